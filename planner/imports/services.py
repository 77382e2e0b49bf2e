"""Imported calendars: add (file or URL), refresh, remove, and busy times for other features.

A request only stores the calendar's bytes after cheap checks (its size, that it looks
like a calendar, a safe address fetched within a deadline); the calendar job reads them
later (refresh_due_imports), each file in a child process under a budget and a deadline
(planner/imports/reader.py), so no calendar can hold a web worker or a reminder. Without
a schema change the state is read from the columns: `last_fetched_at` is None while the
stored bytes wait to be read, and `last_error` says why the last read failed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import or_, select

from planner.database import utcnow
from planner.domain.busy import BusyTime, CalendarImportError, as_utf8, check_calendar_data
from planner.extensions import db
from planner.imports.fetch import TIMEOUT_SECONDS, fetch_calendar
from planner.imports.reader import READ_SECONDS, read_busy_times
from planner.models import BusyBlock, CalendarImport, Household, Member

# Busy times are kept for this window around today; refreshes move it on.
LOOK_BACK, LOOK_AHEAD = timedelta(days=7), timedelta(days=70)
FILE_REREAD = timedelta(days=1)
# How often a ticker looks for due calendars at most: a refresh interval is in minutes.
RECHECK = timedelta(minutes=15)

__all__ = [
    "CalendarImportError",
    "add_file",
    "busy_times_for",
    "imports_of",
    "is_waiting",
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


def is_waiting(imported: CalendarImport) -> bool:
    """Its bytes are stored and wait for the calendar job to read them."""
    return imported.last_fetched_at is None


def add_file(member: Member, name: str, data: bytes) -> CalendarImport:
    """Keep an uploaded calendar for the calendar job to read; a file that isn't a
    calendar (or is too large) raises and saves nothing."""
    data = as_utf8(data)
    check_calendar_data(data)
    imported = CalendarImport(
        household_id=member.household_id,
        member_id=member.id,
        name=name.strip(),
        ics_data=data,
        last_error="",
    )
    db.session.add(imported)
    db.session.flush()
    return imported


def subscribe_url(member: Member, name: str, url: str) -> CalendarImport:
    """Fetch the calendar at a safe address (within one deadline) and keep it for the
    calendar job to read; an address or answer that can't be used saves nothing."""
    data = _fetch(url)
    imported = CalendarImport(
        household_id=member.household_id,
        member_id=member.id,
        name=name.strip(),
        source_url=url.strip(),
        ics_data=data,
        last_error="",
    )
    db.session.add(imported)
    db.session.flush()
    return imported


def refresh_import(imported: CalendarImport) -> bool:
    """Fetch a subscribed calendar again now, for the calendar job to read (a file is
    simply read again); a failed fetch keeps the last good calendar and busy times."""
    if imported.source_url:
        try:
            data = _fetch(imported.source_url)
        except CalendarImportError as exc:
            imported.last_error = exc.message[:500]
            db.session.flush()
            return False
        imported.ics_data = data
    imported.last_fetched_at, imported.last_error = None, ""
    db.session.flush()
    return True


def refresh_due_imports(now: datetime | None = None) -> int:
    """The calendar job (and `planner refresh-calendars`): fetch the subscriptions whose
    refresh interval has passed and read every calendar that waits; returns how many were
    tried. Each calendar is its own short transaction, committed as soon as it is read; no
    transaction stays open while a calendar is fetched or read."""
    now = now or utcnow()
    due = db.session.execute(
        select(
            CalendarImport.id,
            CalendarImport.source_url,
            CalendarImport.refresh_minutes,
            CalendarImport.last_fetched_at,
        )
        .where(
            or_(
                CalendarImport.last_fetched_at.is_(None),
                CalendarImport.last_fetched_at < now - RECHECK,
            )
        )
        .order_by(CalendarImport.last_fetched_at.is_not(None), CalendarImport.id)
    ).all()
    db.session.commit()
    count = 0
    for import_id, source_url, refresh_minutes, last_fetched_at in due:
        interval = timedelta(minutes=refresh_minutes) if source_url else FILE_REREAD
        if last_fetched_at is None or last_fetched_at <= now - interval:
            _read_one(import_id, fetch=last_fetched_at is not None and bool(source_url))
            count += 1
    return count


def remove_import(imported: CalendarImport) -> None:
    for block in list(imported.busy_blocks):  # through the ORM, so pages notice
        db.session.delete(block)
    db.session.delete(imported)
    db.session.flush()


def _read_one(import_id: int, *, fetch: bool) -> None:
    """Fetch (when due) and read one calendar, then store what was found, unless the
    calendar was removed or changed meanwhile (a later round reads it again)."""
    imported = db.session.get(CalendarImport, import_id)
    if imported is None:
        db.session.commit()
        return
    taken = (bytes(imported.ics_data), imported.last_fetched_at)
    url, tz = imported.source_url, imported.member.household.tz
    db.session.commit()  # no transaction stays open while the calendar is fetched and read
    data, busy, error = taken[0], None, ""
    try:
        if url and (fetch or not data):
            data = _fetch(url)
        busy = _read(data, tz)
    except CalendarImportError as exc:
        error = exc.message
    imported = db.session.get(CalendarImport, import_id, with_for_update=True)
    if imported is None or (bytes(imported.ics_data), imported.last_fetched_at) != taken:
        db.session.commit()
        return
    if busy is None:
        imported.ics_data = data
        imported.last_error = error[:500]
        imported.last_fetched_at = utcnow()
        db.session.flush()
    else:
        _store(imported, data, busy)
    db.session.commit()


def _fetch(url: str) -> bytes:
    data = fetch_calendar(
        url,
        allow_private=_allow_private(),
        seconds=float(current_app.config.get("PLANNER_IMPORTS_FETCH_SECONDS", TIMEOUT_SECONDS)),
    )
    check_calendar_data(data)
    return data


def _read(data: bytes, tz: ZoneInfo) -> list[BusyTime]:
    now = utcnow()
    return read_busy_times(
        data,
        now - LOOK_BACK,
        now + LOOK_AHEAD,
        tz=tz,
        seconds=float(current_app.config.get("PLANNER_IMPORTS_READ_SECONDS", READ_SECONDS)),
    )


def _store(imported: CalendarImport, data: bytes, busy: list[BusyTime]) -> None:
    """Keep the calendar and its busy times; blocks are replaced only when they changed,
    so a refresh that finds nothing new changes nothing a page or feed shows."""
    imported.ics_data = bytes(data)
    imported.last_fetched_at = utcnow()
    imported.last_error = ""
    if sorted((b.starts_at, b.ends_at) for b in imported.busy_blocks) == sorted(
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
