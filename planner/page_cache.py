"""Rendered page parts, and what they are worked out from, kept in this process and keyed
by everything they show.

A key names a part's reader and the versions of what it shows (the household's version
grows on any change it shows: planner.models.changes), so a part is rendered once per
change instead of once per request, and a change anywhere, in any process, makes a new
key. The version is read before the data, so what is kept under a key is never older
than the key says. The session's CSRF token in a part's forms is swapped for a mark when
kept and put back when served, so one rendering serves every device of that reader.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import current_app
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from planner.i18n import current_language

SIZE = 512  # entries per process and kind; the oldest goes first
# The week's parts are bigger (a day of a large household is ~100 KB): fewer are kept, in a
# store of their own so they never push Today's out.
WEEK_SIZE = 64
_MARK = "\x00csrf\x00"  # never leaves the process: it is replaced before serving

T = TypeVar("T")


class Kept:
    """A bounded map from key to value, oldest out first, safe across threads."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = make()  # outside the lock: two threads may both make it, both right
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value


class PageCache:
    def __init__(self, size: int = SIZE) -> None:
        self.parts = Kept(size)
        self.derived = Kept(size)

    def clear(self) -> None:
        self.parts.clear()
        self.derived.clear()

    def rendered(self, key: Hashable, render: Callable[[], str]) -> Markup:
        token = generate_csrf()
        html = self.parts.get(key, lambda: render().replace(token, _MARK))
        return Markup(html.replace(_MARK, token))


def register(app) -> None:
    app.extensions["planner.page_cache"] = PageCache()
    app.extensions["planner.week_cache"] = PageCache(WEEK_SIZE)


def clear(app) -> None:
    """Forget everything kept (benches measure a render afresh with it)."""
    for store in ("page_cache", "week_cache"):
        app.extensions[f"planner.{store}"].clear()


def reader(member, household) -> tuple:
    """Who reads a part, in which language, and the version of what it shows: the member's
    session secret is drawn afresh for every member row, so a row that reuses a deleted
    one's id never meets its parts; the household's version moves with any change; its
    date turns the day."""
    return (
        member.id,
        member.session_secret,
        current_language(),
        household.id,
        household.version,
        household.today(),
    )


def rendered(key: Hashable, render: Callable[[], str], store: str = "page_cache") -> Markup:
    """The part under `key`, rendered by `render` if it isn't kept; `store` "week_cache"
    keeps the week's parts apart."""
    cache: PageCache = current_app.extensions[f"planner.{store}"]
    return cache.rendered(key, render)


def derived(key: Hashable, make: Callable[[], T]) -> T:
    """A value worked out from the data (never ORM rows: they belong to one request)."""
    cache: PageCache = current_app.extensions["planner.page_cache"]
    return cache.derived.get(key, make)
