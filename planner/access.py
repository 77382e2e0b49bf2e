"""The one way to load household-owned objects: anything else is a 404."""

from __future__ import annotations

from typing import Protocol, TypeVar

from flask import abort
from flask_login import current_user
from werkzeug.routing import IntegerConverter

from planner.extensions import db


class HouseholdOwned(Protocol):
    @property
    def household_id(self) -> int: ...


T = TypeVar("T", bound=HouseholdOwned)

MAX_ID = 2**31 - 1  # the largest id an INTEGER column holds on PostgreSQL (and SQLite)


class IdConverter(IntegerConverter):
    """`<int:...>` in URLs: an id too large for the database doesn't match (404, not a 500)."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def get_owned_or_404(model: type[T], object_id: int) -> T:
    """Return the object if it belongs to the current member's household, else 404.

    Every household-owned table carries `household_id`, so one check covers them all;
    another household's objects are indistinguishable from missing ones.
    """
    if not 0 < object_id <= MAX_ID:
        abort(404)
    obj = db.session.get(model, object_id)
    if obj is None or not current_user.is_authenticated:
        abort(404)
    if obj.household_id != current_user.household_id:
        abort(404)
    return obj
