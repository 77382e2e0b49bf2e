"""The inventory page: one area at a time, a page of it at a time, with the other areas
one tap away. A household of hundreds of responsibilities stays a light page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from planner.domain import cadence
from planner.domain.paging import PAGE_SIZE, page_of
from planner.extensions import db
from planner.inventory.services import list_areas
from planner.models import Area, Household, Responsibility


@dataclass
class AreaTab:
    area: Area
    param: str  # how the page's address names the area (?area=…)
    count: int  # what the area lists: its responsibilities, archived ones too when shown
    archived: int  # how many of its responsibilities are archived, shown or not


@dataclass
class InventoryPage:
    tabs: list[AreaTab]
    current: AreaTab | None  # None: the household has no areas yet
    rows: list[tuple[Responsibility, int]]  # a responsibility and its minutes a week
    page: int
    pages: int
    totals: dict[int | None, int]  # member id (None: nobody yet) -> minutes a week
    show_archived: bool

    @property
    def first(self) -> int:
        """The place in its area of the first row shown, from 1."""
        return (self.page - 1) * PAGE_SIZE + 1

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1

    @property
    def per_page(self) -> int:
        return PAGE_SIZE

    @property
    def following(self) -> int:
        """How many the next page lists."""
        count = self.current.count if self.current else 0
        return max(0, min(PAGE_SIZE, count - self.last))


def area_params(areas: list[Area]) -> dict[int, str]:
    """The area's key where it names one area only (readable addresses), else its id."""
    keys = [a.key for a in areas]
    return {
        a.id: a.key if a.key and not a.key.isdigit() and keys.count(a.key) == 1 else str(a.id)
        for a in areas
    }


def inventory_page(
    household: Household, wanted_area: str | None, wanted_page: int | None, show_archived: bool
) -> InventoryPage:
    areas = list_areas(household)
    params = area_params(areas)
    active, archived = _counts(household)
    tabs = [
        AreaTab(
            a,
            params[a.id],
            active.get(a.id, 0) + (archived.get(a.id, 0) if show_archived else 0),
            archived.get(a.id, 0),
        )
        for a in areas
    ]
    current = _choose(tabs, wanted_area)
    page, pages = page_of(current.count if current else 0, wanted_page)
    rows = _rows(household, current.area, page, show_archived) if current else []
    return InventoryPage(tabs, current, rows, page, pages, _totals(household), show_archived)


def _choose(tabs: list[AreaTab], wanted: str | None) -> AreaTab | None:
    """The area asked for by id or key (a repeated key: the first in order)."""
    if wanted:
        found = next((t for t in tabs if wanted in (str(t.area.id), t.area.key)), None)
        if found:
            return found
    # Nothing asked for, or an area this household doesn't have: the first area in the
    # household's own order (the Areas page) that lists something, so the page opens where
    # they expect and never on an empty area while another holds items.
    return next((t for t in tabs if t.count), tabs[0] if tabs else None)


def _counts(household: Household) -> tuple[dict[int, int], dict[int, int]]:
    """Per area id: how many responsibilities are in use, and how many are archived."""
    is_archived = Responsibility.archived_at.is_not(None)
    found = db.session.execute(
        select(Responsibility.area_id, is_archived, func.count(Responsibility.id))
        .where(Responsibility.household_id == household.id)
        .group_by(Responsibility.area_id, is_archived)
    )
    active: dict[int, int] = {}
    archived: dict[int, int] = {}
    for area_id, gone, count in found:
        (archived if gone else active)[area_id] = count
    return active, archived


def _listed(household: Household, area_id: int, show_archived: bool):
    query = select(Responsibility).where(
        Responsibility.household_id == household.id, Responsibility.area_id == area_id
    )
    return query if show_archived else query.where(Responsibility.archived_at.is_(None))


def _rows(
    household: Household, area: Area, page: int, show_archived: bool
) -> list[tuple[Responsibility, int]]:
    query = (
        _listed(household, area.id, show_archived)
        .options(selectinload(Responsibility.default_owner))
        .order_by(Responsibility.title, Responsibility.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    per_week: dict[str | None, float] = {}
    return [
        (r, weekly_minutes(r.rrule, r.effort_minutes, r.mental_load_minutes, per_week))
        for r in db.session.scalars(query)
    ]


def _totals(household: Household) -> dict[int | None, int]:
    """A typical week of every responsibility in use, by usual owner, across all areas:
    only the columns it needs, so no page of rows is loaded for it."""
    totals: dict[int | None, int] = {m.id: 0 for m in household.members}
    found = db.session.execute(
        select(
            Responsibility.default_owner_id,
            Responsibility.rrule,
            Responsibility.effort_minutes,
            Responsibility.mental_load_minutes,
        ).where(Responsibility.household_id == household.id, Responsibility.archived_at.is_(None))
    )
    per_week: dict[str | None, float] = {}
    for owner_id, rule, effort, mental_load in found:
        totals[owner_id] = totals.get(owner_id, 0) + weekly_minutes(
            rule, effort, mental_load, per_week
        )
    return totals


def weekly_minutes(
    rule: str | None, effort: int, mental_load: int, per_week: dict[str | None, float]
) -> int:
    """Typical minutes a week: effort × average occurrences + mental load. `per_week`
    remembers each rule's estimate: a household repeats a few rules many times."""
    if rule not in per_week:
        per_week[rule] = cadence.occurrences_per_week_estimate(rule)
    return round(effort * per_week[rule]) + mental_load


def place_of(responsibility: Responsibility, show_archived: bool = False) -> dict[str, Any]:
    """The inventory page's address parameters that list this responsibility: its area and
    the page it falls on (where it would fall, once archived and not shown)."""
    before = db.session.scalar(
        _listed(responsibility.household, responsibility.area_id, show_archived)
        .where(
            or_(
                Responsibility.title < responsibility.title,
                and_(
                    Responsibility.title == responsibility.title,
                    Responsibility.id < responsibility.id,
                ),
            )
        )
        .with_only_columns(func.count(Responsibility.id))
    )
    return page_params(
        list_areas(responsibility.household),
        responsibility.area_id,
        (before or 0) // PAGE_SIZE + 1,
        show_archived,
    )


def page_params(
    areas: list[Area], area_id: int | None, page: int = 1, show_archived: bool = False
) -> dict[str, Any]:
    """Address parameters of one page of one area (unknown area: the inventory's first)."""
    params: dict[str, Any] = {}
    named = area_params(areas).get(area_id) if area_id is not None else None
    if named:
        params["area"] = named
    if page > 1:
        params["page"] = str(page)
    if show_archived:
        params["archived"] = "1"
    return params
