"""The calendar job (the scheduler's and `planner refresh-calendars`): fetch the
subscriptions that are due and read every calendar that waits, each in a child process
under a budget and a deadline (planner/imports/reader.py).

A job is its own transaction boundary, like a request: each calendar is committed as
soon as it is read, and no transaction stays open while a calendar is fetched or read.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import or_, select

from planner.database import utcnow
from planner.domain.busy import BusyTime, CalendarImportError
from planner.extensions import db
from planner.i18n import in_language
from planner.imports.reader import READ_SECONDS, read_busy_times
from planner.imports.services import fetch_checked, told
from planner.models import BusyBlock, CalendarImport

# Busy times are kept for this window around today; refreshes move it on.
LOOK_BACK, LOOK_AHEAD = timedelta(days=7), timedelta(days=70)
FILE_REREAD = timedelta(days=1)
# How often a ticker looks for due calendars at most: a refresh interval is in minutes.
RECHECK = timedelta(minutes=15)


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


def _read_one(import_id: int, *, fetch: bool) -> None:
    """Fetch (when due) and read one calendar, then store what was found, unless the
    calendar was removed or changed meanwhile (a later round reads it again)."""
    imported = db.session.get(CalendarImport, import_id)
    if imported is None:
        db.session.commit()
        return
    taken = (bytes(imported.ics_data), imported.last_fetched_at)
    url, tz = imported.source_url, imported.member.household.tz
    language = imported.member.language
    db.session.commit()  # no transaction stays open while the calendar is fetched and read
    data, busy, error = taken[0], None, ""
    try:
        if url and (fetch or not data):
            data = fetch_checked(url)
        busy = _read(data, tz)
    except CalendarImportError as exc:
        with in_language(language):  # kept to be shown to the member, in their words
            error = told(exc).message
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
