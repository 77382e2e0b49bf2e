"""Imported calendars: add (file or URL), refresh, remove, and busy times for other features."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select

from planner.database import utcnow
from planner.domain.busy import BusyTime, CalendarImportError, parse_busy_times
from planner.extensions import db
from planner.imports.fetch import fetch_calendar
from planner.models import BusyBlock, CalendarImport, Household, Member

# Busy times are kept for this window around today; refreshes move it on.
LOOK_BACK, LOOK_AHEAD = timedelta(days=7), timedelta(days=70)
FILE_REREAD = timedelta(days=1)

__all__ = [
    "CalendarImportError",
    "add_file",
    "busy_times_for",
    "imports_of",
    "refresh_due_imports",
    "refresh_import",
    "remove_import",
    "subscribe_url",
]


def imports_of(member: Member) -> list[CalendarImport]:
    return list(
        db.session.scalars(
            select(CalendarImport)
            .where(CalendarImport.member_id == member.id)
            .order_by(CalendarImport.id)
        )
    )


def busy_times_for(
    household: Household, start_utc: datetime, end_utc: datetime, member_id: int | None = None
) -> list[BusyTime]:
    """Busy times of the household's members (or one member) overlapping the window.

    Titles stay private to their owner: each busy time reads "<name>: busy".
    """
    names = {m.id: m.display_name for m in household.members}
    query = select(BusyBlock.member_id, BusyBlock.starts_at, BusyBlock.ends_at).where(
        BusyBlock.household_id == household.id,
        BusyBlock.starts_at < end_utc,
        BusyBlock.ends_at > start_utc,
    )
    if member_id is not None:
        query = query.where(BusyBlock.member_id == member_id)
    rows = db.session.execute(query.order_by(BusyBlock.starts_at, BusyBlock.ends_at))
    return [BusyTime(start=s, end=e, summary=f"{names.get(m, '')}: busy") for m, s, e in rows]


def add_file(member: Member, name: str, data: bytes) -> CalendarImport:
    """Save an uploaded calendar; a calendar that can't be read raises and saves nothing."""
    busy = _parse(member.household, data)
    imported = CalendarImport(
        household_id=member.household_id, member_id=member.id, name=name.strip()
    )
    _store(imported, data, busy)
    return imported


def subscribe_url(member: Member, name: str, url: str) -> CalendarImport:
    data = fetch_calendar(url, allow_private=_allow_private())
    busy = _parse(member.household, data)
    imported = CalendarImport(
        household_id=member.household_id,
        member_id=member.id,
        name=name.strip(),
        source_url=url.strip(),
    )
    _store(imported, data, busy)
    return imported


def refresh_import(imported: CalendarImport) -> bool:
    """Fetch (or re-read) one calendar; a failure keeps the last good busy times."""
    try:
        data = imported.ics_data
        if imported.source_url:
            data = fetch_calendar(imported.source_url, allow_private=_allow_private())
        busy = _parse(imported.member.household, data)
    except CalendarImportError as exc:
        imported.last_error = exc.message[:500]
        imported.last_fetched_at = utcnow()
        db.session.flush()
        return False
    _store(imported, data, busy)
    return True


def refresh_due_imports(now: datetime | None = None) -> int:
    """Refresh every calendar older than its refresh interval; returns how many were tried.
    A job: each calendar is its own transaction, committed as soon as it is read."""
    now = now or utcnow()
    candidates = db.session.scalars(
        select(CalendarImport).where(
            or_(
                CalendarImport.last_fetched_at.is_(None),
                CalendarImport.last_fetched_at < now - timedelta(minutes=15),
            )
        )
    ).all()
    count = 0
    for imported in candidates:
        interval = (
            timedelta(minutes=imported.refresh_minutes) if imported.source_url else FILE_REREAD
        )
        if imported.last_fetched_at is None or imported.last_fetched_at <= now - interval:
            refresh_import(imported)
            db.session.commit()
            count += 1
    return count


def remove_import(imported: CalendarImport) -> None:
    for block in list(imported.busy_blocks):  # through the ORM, so pages notice
        db.session.delete(block)
    db.session.delete(imported)
    db.session.flush()


def _parse(household: Household, data: bytes) -> list[BusyTime]:
    now = utcnow()
    return parse_busy_times(bytes(data), now - LOOK_BACK, now + LOOK_AHEAD, tz=household.tz)


def _store(imported: CalendarImport, data: bytes, busy: list[BusyTime]) -> None:
    """Keep the calendar and its busy times; blocks are replaced only when they changed,
    so a refresh that finds nothing new changes nothing a page or feed shows."""
    imported.ics_data = bytes(data)
    imported.last_fetched_at = utcnow()
    imported.last_error = ""
    if imported.id is None:
        db.session.add(imported)
        db.session.flush()
    elif sorted((b.starts_at, b.ends_at) for b in imported.busy_blocks) == sorted(
        (b.start, b.end) for b in busy
    ):
        db.session.flush()
        return
    for block in list(imported.busy_blocks):
        db.session.delete(block)
    db.session.add_all(
        BusyBlock(
            household_id=imported.household_id,
            import_id=imported.id,
            member_id=imported.member_id,
            starts_at=b.start,
            ends_at=b.end,
            summary=b.summary,
        )
        for b in busy
    )
    db.session.flush()
    db.session.expire(imported, ["busy_blocks"])


def _allow_private() -> bool:
    return bool(current_app.config.get("PLANNER_IMPORTS_ALLOW_PRIVATE", False))
