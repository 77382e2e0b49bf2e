"""Long lists shown a page at a time, so a large household still gets a light page."""

from __future__ import annotations

from math import ceil

PAGE_SIZE = 50


def page_of(count: int, wanted: int | None, size: int = PAGE_SIZE) -> tuple[int, int]:
    """(the page to show, how many pages) for `count` rows: a page past the end shows the
    last, nonsense the first; never an error."""
    pages = max(1, ceil(count / size))
    return min(max(wanted or 1, 1), pages), pages
