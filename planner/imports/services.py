"""Imported calendars: add (file or URL), refresh, remove, and busy times for other features.

A request only stores the calendar's bytes after cheap checks (its size, that it looks
like a calendar, a safe address fetched within a deadline); the calendar job reads them
later (planner/imports/job.py), each file in a child process under a budget and a deadline
(planner/imports/reader.py), so no calendar can hold a web worker or a reminder. Without
a schema change the state is read from the columns: `last_fetched_at` is None while the
stored bytes wait to be read, and `last_error` says why the last read failed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from planner.domain.busy import BusyTime, CalendarImportError, as_utf8, check_calendar_data
from planner.extensions import db
from planner.i18n import _
from planner.imports.fetch import TIMEOUT_SECONDS, fetch_calendar
from planner.models import BusyBlock, CalendarImport, Household, Member

__all__ = [
    "CalendarImportError",
    "add_file",
    "fetch_checked",
    "busy_times_for",
    "member_busy",
    "imports_of",
    "is_waiting",
    "refresh_import",
    "remove_import",
    "subscribe_url",
    "told",
]


def told(refused: CalendarImportError) -> CalendarImportError:
    """The refusal, its message in the current language (planner.domain writes English)."""
    refused.message = refused.words.tell(_)
    return refused


@contextmanager
def _told() -> Iterator[None]:
    try:
        yield
    except CalendarImportError as refused:
        told(refused)
        raise


def imports_of(member: Member) -> list[CalendarImport]:
    return list(
        db.session.scalars(
            select(CalendarImport)
            .where(CalendarImport.member_id == member.id)
            .order_by(CalendarImport.id)
        )
    )


@dataclass(frozen=True)
class MemberBusy:
    """A busy time from one member's imported calendar (its title stays private)."""

    member_id: int
    start: datetime
    end: datetime


def member_busy(
    household: Household, start_utc: datetime, end_utc: datetime, member_id: int | None = None
) -> list[MemberBusy]:
    """Busy times of the household's members (or one member) overlapping the window."""
    query = select(BusyBlock.member_id, BusyBlock.starts_at, BusyBlock.ends_at).where(
        BusyBlock.household_id == household.id,
        BusyBlock.starts_at < end_utc,
        BusyBlock.ends_at > start_utc,
    )
    if member_id is not None:
        query = query.where(BusyBlock.member_id == member_id)
    rows = db.session.execute(query.order_by(BusyBlock.starts_at, BusyBlock.ends_at))
    return [MemberBusy(m, s, e) for m, s, e in rows]


def busy_times_for(
    household: Household, start_utc: datetime, end_utc: datetime, member_id: int | None = None
) -> list[BusyTime]:
    """`member_busy` as calendar entries: each busy time reads "<name>: busy"."""
    names = {m.id: m.display_name for m in household.members}
    return [
        BusyTime(
            start=b.start,
            end=b.end,
            summary=_("%(name)s: busy", name=names.get(b.member_id, "")),
        )
        for b in member_busy(household, start_utc, end_utc, member_id)
    ]


def is_waiting(imported: CalendarImport) -> bool:
    """Its bytes are stored and wait for the calendar job to read them."""
    return imported.last_fetched_at is None


def add_file(member: Member, name: str, data: bytes) -> CalendarImport:
    """Keep an uploaded calendar for the calendar job to read; a file that isn't a
    calendar (or is too large) raises and saves nothing."""
    data = as_utf8(data)
    with _told():
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
    with _told():
        data = fetch_checked(url)
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
            data = fetch_checked(imported.source_url)
        except CalendarImportError as exc:
            imported.last_error = told(exc).message[:500]
            db.session.flush()
            return False
        imported.ics_data = data
    imported.last_fetched_at, imported.last_error = None, ""
    db.session.flush()
    return True


def remove_import(imported: CalendarImport) -> None:
    for block in list(imported.busy_blocks):  # through the ORM, so pages notice
        db.session.delete(block)
    db.session.delete(imported)
    db.session.flush()


def fetch_checked(url: str) -> bytes:
    """The calendar at a safe address, within the fetch deadline, if it looks like one."""
    data = fetch_calendar(
        url,
        allow_private=_allow_private(),
        seconds=float(current_app.config.get("PLANNER_IMPORTS_FETCH_SECONDS", TIMEOUT_SECONDS)),
    )
    check_calendar_data(data)
    return data


def _allow_private() -> bool:
    return bool(current_app.config.get("PLANNER_IMPORTS_ALLOW_PRIVATE", False))
