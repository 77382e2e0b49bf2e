"""Rendered page parts kept in this process, keyed by everything they show.

A key names a page part's reader and the versions of what it shows (the household's
version grows on any change it shows: planner.models.changes), so a part is rendered
once per change instead of once per request, and a change anywhere, in any process,
makes a new key. The session's CSRF token in a part's forms is swapped for a mark when
kept and put back when served, so one rendering serves every device of that reader.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

SIZE = 512  # parts per process; the oldest goes first
# The week's parts are bigger (a day of a large household is ~100 KB): fewer are kept, in a
# store of their own so they never push Today's out.
WEEK_SIZE = 64
_MARK = "\x00csrf\x00"  # never leaves the process: it is replaced before serving


class PageCache:
    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._parts: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._parts.clear()

    def rendered(self, key: Hashable, render: Callable[[], str]) -> Markup:
        token = generate_csrf()
        with self._lock:
            html = self._parts.get(key)
            if html is not None:
                self._parts.move_to_end(key)
        if html is None:
            html = render().replace(token, _MARK)
            with self._lock:
                self._parts[key] = html
                while len(self._parts) > self.size:
                    self._parts.popitem(last=False)
        return Markup(html.replace(_MARK, token))


def register(app) -> None:
    app.extensions["planner.page_cache"] = PageCache()
    app.extensions["planner.week_cache"] = PageCache(WEEK_SIZE)


def rendered(key: Hashable, render: Callable[[], str], store: str = "page_cache") -> Markup:
    """The part under `key`, rendered by `render` if it isn't kept; `store` "week_cache"
    keeps the week's parts apart."""
    cache: PageCache = current_app.extensions[f"planner.{store}"]
    return cache.rendered(key, render)
