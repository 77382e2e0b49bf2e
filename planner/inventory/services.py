"""The inventory: areas and responsibilities, archived rather than deleted."""

from __future__ import annotations

from itertools import count

from sqlalchemy import func, select

from planner.database import claim
from planner.domain import cadence
from planner.domain.refusal import Conflict, Refused, fingerprint
from planner.domain.vocabulary import PlanState
from planner.extensions import db
from planner.i18n import _, _n
from planner.models import Area, Household, Responsibility, WeekPlan, utcnow
from planner.week.generation import may_hold


def ensure_areas(household: Household) -> list[Area]:
    """The household's areas, creating the five defaults the first time (named in the
    current language: the member's who sets them up)."""
    areas = list_areas(household)
    if areas:
        return areas
    claim(db.session, household)  # two first visits at once make the defaults once
    areas = list_areas(household)
    if areas:
        return areas
    for position, (key, name, description) in enumerate(starter_deck_areas()):
        db.session.add(
            Area(
                household_id=household.id,
                key=key,
                name=name,
                description=description,
                position=position,
            )
        )
    db.session.flush()
    return list_areas(household)


def starter_deck_areas() -> list[tuple[str, str, str]]:
    """The starter deck's areas: key, name and description in the current language."""
    from planner.domain import starter_deck

    return [(a.key, str(a.name), str(a.description)) for a in starter_deck.AREAS]


def list_areas(household: Household) -> list[Area]:
    return list(
        db.session.scalars(
            select(Area).where(Area.household_id == household.id).order_by(Area.position, Area.id)
        )
    )


def cadence_text(responsibility: Responsibility) -> str:
    try:
        return cadence.describe(cadence.from_rrule(responsibility.rrule))
    except cadence.CadenceError:
        return responsibility.rrule or _("As needed")


def cadence_rule(kind: str, weekdays: list[int], interval: int | None, month_day: int | None):
    """The RRULE for the friendly cadence controls (None: as needed)."""
    try:
        chosen = cadence.Cadence(
            kind, days=tuple(weekdays or ()), interval=interval or 1, month_day=month_day
        )
    except cadence.CadenceError as exc:
        raise Refused(exc.message, "cadence_kind") from exc
    return cadence.to_rrule(chosen)


def form_data(responsibility: Responsibility) -> dict:
    """The responsibility as the edit form's fields, cadence spelled out."""
    try:
        c = cadence.from_rrule(responsibility.rrule)
        kind, days, interval, month_day = c.kind, list(c.days), c.interval, c.month_day
    except cadence.CadenceError:
        kind, days, interval, month_day = "weekly", [], None, None
    return {
        "title": responsibility.title,
        "area_id": responsibility.area_id,
        "cadence_kind": kind,
        "weekdays": days,
        "interval": interval if kind == "every_n_weeks" else None,
        "month_day": month_day,
        "starts_on": responsibility.starts_on,
        "preferred_time": responsibility.preferred_time,
        "effort_minutes": responsibility.effort_minutes,
        "mental_load_minutes": responsibility.mental_load_minutes,
        "default_owner_id": responsibility.default_owner_id or 0,
        "pinned": responsibility.pinned,
        "allowed_member_ids": [m.id for m in responsibility.allowed_members],
        "minimum_standard": responsibility.minimum_standard,
        "notes": responsibility.notes,
        "can_wait": responsibility.can_wait,
        "simpler": responsibility.simpler,
        "can_outsource": responsibility.help_from is not None,
        "help_from": responsibility.help_from or "",
        "together": responsibility.together,
    }


def describe(responsibility: Responsibility) -> str:
    owner = responsibility.default_owner
    parts = [
        responsibility.title,
        cadence_text(responsibility),
        minutes_label(responsibility.effort_minutes),
        _("usually %(name)s", name=owner.display_name) if owner else _("no usual owner"),
    ]
    return ", ".join(parts)


def responsibility_fingerprint(responsibility: Responsibility) -> str:
    return fingerprint(*form_data(responsibility).values())


def save_responsibility(
    household: Household, responsibility: Responsibility | None, data: dict
) -> Responsibility:
    """Create or update a responsibility from validated form data; an edit made on a copy
    a partner has changed since is refused with what it is now."""
    claim(db.session, household)
    if responsibility is not None:
        db.session.refresh(responsibility)
        base = data.get("base")
        stale = bool(base) and base != responsibility_fingerprint(responsibility)
        if stale and any(data.get(k) != v for k, v in form_data(responsibility).items()):
            raise Conflict(
                _(
                    "%(title)s was changed on another screen while you were editing.",
                    title=responsibility.title,
                ),
                describe(responsibility),
            )
    members = {m.id: m for m in household.members}
    areas = {a.id for a in list_areas(household)}
    if data["area_id"] not in areas:
        raise Refused(_("Pick one of your areas."), "area_id")
    owner_id = data.get("default_owner_id") or None
    if owner_id is not None and owner_id not in members:
        raise Refused(_("Pick a member of your household."), "default_owner_id")
    if responsibility is None:
        responsibility = Responsibility(household_id=household.id)
        db.session.add(responsibility)
    rule = cadence_rule(
        data["cadence_kind"],
        data.get("weekdays") or [],
        data.get("interval"),
        data.get("month_day"),
    )
    responsibility.rrule = rule
    responsibility.title = data["title"].strip()
    responsibility.area_id = data["area_id"]
    responsibility.starts_on = data["starts_on"]
    responsibility.preferred_time = data.get("preferred_time")
    responsibility.effort_minutes = data["effort_minutes"]
    responsibility.mental_load_minutes = data["mental_load_minutes"]
    responsibility.default_owner_id = owner_id
    responsibility.pinned = bool(data.get("pinned"))
    responsibility.can_wait = bool(data.get("can_wait"))
    responsibility.simpler = data.get("simpler") or ""
    help_from = data.get("help_from") or ""
    responsibility.help_from = help_from if data.get("can_outsource") or help_from else None
    responsibility.together = bool(data.get("together"))
    responsibility.minimum_standard = (data.get("minimum_standard") or "").strip()
    responsibility.notes = (data.get("notes") or "").strip()
    responsibility.allowed_members = [
        members[i] for i in data.get("allowed_member_ids") or [] if i in members
    ]
    if owner_id is not None and not may_hold(responsibility, owner_id, set(members)):
        raise Refused(_("Include the usual owner among who can hold it."), "allowed_member_ids")
    follow_in_drafts(household)
    return responsibility


def set_archived(responsibility: Responsibility, archived: bool) -> None:
    responsibility.archived_at = utcnow() if archived else None
    follow_in_drafts(responsibility.household)


def add_area(household: Household, name: str, description: str | None) -> Area:
    areas = list_areas(household)
    taken = {a.key for a in areas}
    # The key names the area in the inventory's address, so it must not repeat (counting
    # the areas alone would, after one is deleted).
    number = next(n for n in count(len(areas) + 1) if f"custom-{n}" not in taken)
    area = Area(
        household_id=household.id,
        key=f"custom-{number}",
        name=name.strip(),
        description=(description or "").strip(),
        position=max((a.position for a in areas), default=-1) + 1,
    )
    db.session.add(area)
    follow_in_drafts(household)
    return area


def update_area(area: Area, name: str, description: str | None) -> None:
    area.name, area.description = name.strip(), (description or "").strip()
    follow_in_drafts(area.household)


def move_area(area: Area, step: int) -> None:
    """Swap the area with its neighbour above (step -1) or below (step 1)."""
    household = area.household
    areas = list_areas(household)
    index = next(i for i, a in enumerate(areas) if a.id == area.id)
    other = index + step
    if 0 <= other < len(areas):
        areas[index], areas[other] = areas[other], areas[index]
        for position, a in enumerate(areas):
            a.position = position
        follow_in_drafts(household)


def delete_area(area: Area) -> None:
    used = db.session.scalar(
        select(func.count(Responsibility.id)).where(Responsibility.area_id == area.id)
    )
    if used:
        raise Refused(
            _n(
                "%(area)s still holds %(num)d responsibility (archived ones count too, so "
                "history stays true). Move them to another area first.",
                "%(area)s still holds %(num)d responsibilities (archived ones count too, so "
                "history stays true). Move them to another area first.",
                used,
                area=area.name,
            )
        )
    household = area.household
    db.session.delete(area)
    follow_in_drafts(household)


def follow_in_drafts(household: Household) -> None:
    """An inventory change reaches the open draft plans (agreed ones never change)."""
    db.session.flush()
    _refresh_open_drafts(household)


def _refresh_open_drafts(household: Household) -> None:
    """Draft plans of this week and later follow the inventory; agreed ones never change."""
    from planner.week import services as week_services

    this_week = week_services.week_start_for_household(household)
    drafts = db.session.scalars(
        select(WeekPlan).where(
            WeekPlan.household_id == household.id,
            WeekPlan.status == PlanState.DRAFT,
            WeekPlan.week_start >= this_week,
        )
    )
    for plan in list(drafts):
        week_services.refresh_draft(plan)


def minutes_label(minutes: int) -> str:
    """45 min, 2 h, 1 h 20 min."""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return _("%(minutes)d min", minutes=rest)
    if not rest:
        return _("%(hours)d h", hours=hours)
    return _("%(hours)d h %(minutes)d min", hours=hours, minutes=rest)


def household_responsibilities(household: Household, archived: bool = False) -> list:
    """Every responsibility of the household by area and title (archived ones if asked)."""
    query = (
        select(Responsibility)
        .join(Area, Area.id == Responsibility.area_id)
        .where(Responsibility.household_id == household.id)
        .order_by(Area.position, Area.id, Responsibility.title, Responsibility.id)
    )
    if not archived:
        query = query.where(Responsibility.archived_at.is_(None))
    return list(db.session.scalars(query))
