"""Writing the outbox: scheduled reminders follow the calendar; event notices are queued
once. Each channel a member chose (email, phone notification) is a row of its own.

A household's scheduled reminders are brought up to date by the transaction that changes
what they are made of (planner.reminders.signals), and a window ahead as time passes by
the scheduler, which extends only the horizons that run out soon (`extend_horizons`).

Writes are idempotent (the unique key decides), so requests, ticks and several
schedulers may all write the same reminder without duplicates.
"""

from __future__ import annotations

import base64
import hashlib
import time
from datetime import UTC, datetime, timedelta
from email.utils import make_msgid
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import CursorResult, and_, or_, select, update

from planner import mail
from planner.database import insert_new, utcnow
from planner.domain.vocabulary import ReminderChannel, ReminderKind, ReminderState
from planner.extensions import db
from planner.i18n import in_language
from planner.models import Household, Member, Reminder, ReminderHorizon, WeekPlan
from planner.reminders import channels, emails, pushes
from planner.reminders.kinds import (
    HORIZON,
    HORIZON_BATCH,
    HORIZON_SECONDS,
    KINDS,
    LEASE,
    RENEW,
    SCHEDULED_KINDS,
)
from planner.reminders.schedule import Occurrence, occurrences

# Rows the calendar may still change; sending, sent and expired rows are history.
CHANGEABLE = (ReminderState.PENDING, ReminderState.FAILED, ReminderState.CANCELLED)
# Keys the calendar makes (schedule.py); rows with other keys are not the calendar's to cancel.
CALENDAR_KEYS = ("slot", "session:")
UNIQUE_KEY = ["kind", "member_id", "occurrence_key", "channel"]
EMAIL, PUSH = ReminderChannel.EMAIL, ReminderChannel.PUSH
_LOOKBACK = max(KINDS[k].grace for k in SCHEDULED_KINDS)
NEVER = datetime(1970, 1, 1, tzinfo=UTC)  # a horizon not written yet
# Grows whenever either template version does: every household is then written again.
TEMPLATES = emails.TEMPLATE_VERSION * 1_000 + pushes.TEMPLATE_VERSION


def new_message_id(kind: ReminderKind) -> str:
    host = urlsplit(current_app.config["PLANNER_BASE_URL"]).hostname or "planner.local"
    return make_msgid(idstring=f"reminder.{kind}", domain=host)


def insert_rows(rows: list[dict]) -> None:
    """Insert outbox rows; a row whose (kind, member, occurrence, channel) exists is left
    alone."""
    for chunk in range(0, len(rows), 500):
        insert_new(db.session, Reminder, rows[chunk : chunk + 500], UNIQUE_KEY)


def prepared(payload: dict, message_id: str) -> dict:
    """The payload with the whole message built once, so sending is only a hand-over."""
    attachments = [
        mail.Attachment(a["filename"], base64.b64decode(a["content"]), a["mimetype"])
        for a in payload.get("attachments", ())
    ]
    msg = mail.build_message(
        payload["to"],
        payload["subject"],
        payload["text"],
        payload.get("html"),
        attachments,
        payload.get("headers"),
        message_id,
    )
    return {
        "to": payload["to"],
        "subject": payload["subject"],
        "mime": mail.prepare(msg).decode("utf-8"),
    }


def row_values(
    kind: ReminderKind,
    member: Member,
    key: str,
    due_at: datetime,
    payload: dict,
    fingerprint: str = "",
    channel: ReminderChannel = EMAIL,
) -> dict:
    """A new row: `payload` is the email (built once here) or the notification."""
    message_id = new_message_id(kind)
    return {
        "household_id": member.household_id,
        "member_id": member.id,
        "kind": kind,
        "occurrence_key": key,
        "channel": channel,
        "due_at": due_at,
        "expires_at": due_at + KINDS[kind].grace,
        "next_attempt_at": due_at,
        "state": ReminderState.PENDING,
        "attempts": 0,
        "last_error": None,
        "sent_at": None,
        "message_id": message_id,
        "fingerprint": fingerprint,
        "payload": _stored(payload, message_id, channel),
        "pushed_to": None,
    }


def _stored(payload: dict, message_id: str, channel: ReminderChannel) -> dict:
    return prepared(payload, message_id) if channel == EMAIL else payload


def _fingerprint(household: Household, occ: Occurrence, channel: ReminderChannel) -> str:
    slot, week = occ.slot, occ.week
    parts = (
        emails.TEMPLATE_VERSION,
        occ.kind,
        occ.start.isoformat(),
        occ.end.isoformat(),
        occ.lead_minutes,
        occ.member.email,
        occ.member.display_name,
        occ.member.language,
        tuple(m.display_name for m in household.members),
        household.timezone,
        household.planning_minutes,
        (slot.title, slot.sequence) if slot else None,
        week.sequence if week else None,
        *((pushes.TEMPLATE_VERSION, channel) if channel == PUSH else ()),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _render(household: Household, occ: Occurrence, now: datetime, channel: ReminderChannel) -> dict:
    with in_language(occ.member.language):
        return _rendered(household, occ, now, channel)


def _rendered(
    household: Household, occ: Occurrence, now: datetime, channel: ReminderChannel
) -> dict:
    if channel == PUSH:
        tag = f"{occ.kind}:{occ.occurrence_key}"
        if occ.kind == ReminderKind.SELFCARE:
            return pushes.tagged(pushes.selfcare_push(household, occ), tag)
        return pushes.tagged(pushes.planning_push(household, occ), tag)
    if occ.kind == ReminderKind.SELFCARE:
        return emails.selfcare_payload(household, occ, now)
    return emails.planning_payload(household, occ)


def sync_household(household: Household, now: datetime | None = None) -> None:
    """Make the household's scheduled reminders match its calendar, a window ahead.

    Moved slots move their reminder, skipped weeks and lead times set to off cancel it,
    and a cancelled reminder comes back when its occurrence does — on each channel the
    member chose: choosing another channel cancels the other's rows. Not committed.
    """
    now = now or utcnow()
    _hold(household.id)
    _written_until(household.id, _sync(household, now))


def _hold(household_id: int) -> None:
    """Take the household's horizon row for this transaction before its calendar is read:
    a request and a scheduler bringing the same household up to date go one after the
    other, so neither writes back what it read before the other's commit. (An UPDATE, even
    one that changes nothing, locks the row on PostgreSQL and takes SQLite's write lock.)"""
    for _ in range(2):
        held = db.session.execute(
            update(ReminderHorizon)
            .where(ReminderHorizon.household_id == household_id)
            .values(scheduled_until=ReminderHorizon.scheduled_until)
            .execution_options(synchronize_session=False)
        )
        assert isinstance(held, CursorResult)  # what an UPDATE gives
        if held.rowcount:
            return
        row = {"household_id": household_id, "scheduled_until": NEVER, "lease_until": None}
        insert_new(db.session, ReminderHorizon, [row], ["household_id"])


def _sync(household: Household, now: datetime) -> datetime:
    """sync_household's work; returns how far ahead the reminders are now written."""
    start, end = now - _LOOKBACK, now + HORIZON
    chosen = channels.load(m.id for m in household.members)
    wanted = {
        (o.kind, o.member.id, o.occurrence_key, channel): o
        for o in occurrences(household, start, end)
        for channel in chosen.of(o.member.id, o.kind)
    }
    existing = {
        (r.kind, r.member_id, r.occurrence_key, r.channel): r
        for r in db.session.execute(
            select(
                Reminder.id,
                Reminder.kind,
                Reminder.member_id,
                Reminder.occurrence_key,
                Reminder.channel,
                Reminder.state,
                Reminder.fingerprint,
                Reminder.due_at,
                Reminder.next_attempt_at,
                Reminder.message_id,
            ).where(
                Reminder.household_id == household.id,
                Reminder.kind.in_(SCHEDULED_KINDS),
                Reminder.due_at >= start - timedelta(days=8),
            )
        )
    }
    new = []
    for key, occ in wanted.items():
        channel = key[3]
        fingerprint = _fingerprint(household, occ, channel)
        row = existing.get(key)
        if row is None:
            payload = _render(household, occ, now, channel)
            new.append(
                row_values(
                    occ.kind,
                    occ.member,
                    occ.occurrence_key,
                    occ.due_at,
                    payload,
                    fingerprint,
                    channel,
                )
            )
        elif row.state in CHANGEABLE and (
            row.fingerprint != fingerprint or row.state == ReminderState.CANCELLED
        ):
            state = ReminderState.PENDING if row.state == ReminderState.CANCELLED else row.state
            retry = (
                occ.due_at
                if state == ReminderState.PENDING
                else max(row.next_attempt_at or now, occ.due_at)
            )
            db.session.execute(
                update(Reminder)
                .where(Reminder.id == row.id, Reminder.state.in_(CHANGEABLE))
                .values(
                    due_at=occ.due_at,
                    expires_at=occ.due_at + KINDS[occ.kind].grace,
                    next_attempt_at=retry,
                    state=state,
                    fingerprint=fingerprint,
                    payload=_stored(_render(household, occ, now, channel), row.message_id, channel),
                )
            )
    gone = [
        r.id
        for key, r in existing.items()
        if key not in wanted
        and r.state in (ReminderState.PENDING, ReminderState.FAILED)
        and r.due_at >= start
        and r.occurrence_key.startswith(CALENDAR_KEYS)
    ]
    if gone:
        db.session.execute(
            update(Reminder)
            .where(
                Reminder.id.in_(gone),
                Reminder.state.in_((ReminderState.PENDING, ReminderState.FAILED)),
            )
            .values(state=ReminderState.CANCELLED, next_attempt_at=None)
        )
    insert_rows(new)
    return end


def _written_until(household_id: int, until: datetime, release: bool = False) -> None:
    """Record how far ahead the household's reminders are written (its row exists: the
    sync held it first), and for the scheduler that extended them, hand back its claim."""
    values: dict = {"scheduled_until": until, "template_version": TEMPLATES}
    if release:
        values["lease_until"] = None
    db.session.execute(
        update(ReminderHorizon)
        .where(ReminderHorizon.household_id == household_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def claim_horizons(now: datetime, limit: int = HORIZON_BATCH) -> list[int]:
    """Take up to `limit` households whose reminders run out within RENEW (or were written
    with older templates), soonest first, for this process; nobody else takes them until
    the lease ends. Committed."""
    due = and_(
        or_(
            ReminderHorizon.scheduled_until < now + RENEW,
            ReminderHorizon.template_version < TEMPLATES,
        ),
        or_(ReminderHorizon.lease_until.is_(None), ReminderHorizon.lease_until < now),
    )
    picked = (
        select(ReminderHorizon.household_id)
        .where(due)
        .order_by(ReminderHorizon.scheduled_until)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        # Rows another scheduler is claiming are skipped, not waited for.
        picked = picked.with_for_update(skip_locked=True)
    # One statement (under SQLite's write lock, or on rows locked above), so two claims
    # never take the same household.
    ids = db.session.scalars(
        update(ReminderHorizon)
        .where(ReminderHorizon.household_id.in_(picked.scalar_subquery()), due)
        .values(lease_until=now + LEASE)
        .returning(ReminderHorizon.household_id)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    return sorted(ids)


def extend_horizons(now: datetime | None = None, limit: int = HORIZON_BATCH) -> int:
    """One bounded batch of the scheduler's work: the households whose written reminders
    run out soon get theirs a window ahead again, each committed on its own. A tick with
    nothing running out costs one indexed query, however many households there are."""
    now = now or utcnow()
    ids = claim_horizons(now, limit)
    for household_id in ids:
        try:
            _hold(household_id)
            # Read after the hold: a request that changed it meanwhile has committed.
            household = db.session.get(Household, household_id, populate_existing=True)
            if household is not None:
                _written_until(household_id, _sync(household, now), release=True)
            db.session.commit()
        except Exception:
            db.session.rollback()  # its lease runs out and a later tick tries again
            current_app.logger.exception("Reminders for household %s not updated", household_id)
    return len(ids)


def extend_due_horizons(seconds: float = HORIZON_SECONDS) -> int:
    """Batches of `extend_horizons` until one is not full or `seconds` have passed (the
    batch under way finishes); how many households were extended."""
    deadline = time.monotonic() + seconds
    done = 0
    while True:
        extended = extend_horizons()
        done += extended
        if extended < HORIZON_BATCH or time.monotonic() >= deadline:
            return done


def queue_plan_summary(household: Household, plan: WeekPlan, now: datetime | None = None) -> None:
    """The agreed week plan to each member, by email and/or notification as each chose
    (once per agreed version), each in their own language."""
    now = now or utcnow()
    key = f"plan{plan.id}:v{plan.version}"
    kind = ReminderKind.PLAN_SUMMARY
    chosen = channels.load(m.id for m in household.members)
    rows = []
    for m in household.members:
        for channel in chosen.of(m.id, kind):
            if channel == PUSH:
                push = pushes.tagged(pushes.plan_summary_push(household, m, plan), f"{kind}:{key}")
                rows.append(row_values(kind, m, key, now, push, channel=PUSH))
            else:
                payload = emails.plan_summary_payload(household, m, plan)
                rows.append(row_values(kind, m, key, now, payload))
    insert_rows(rows)


def queue_notice(
    kind: ReminderKind,
    to_member: Member,
    key: str,
    payload: dict,
    push: dict | None = None,
    now: datetime | None = None,
) -> None:
    """One notice to one member, due now (once per key, so a double submit sends one).

    `payload` is the email; `push` ({"title", "body", "url"}) what a phone notification
    says, for members who chose notifications for this kind and have a device for them.
    Without a `push`, or a device, the notice comes by email."""
    now = now or utcnow()
    chosen = channels.load([to_member.id]).of(to_member.id, kind)
    rows = []
    if push is not None and PUSH in chosen:
        notice = pushes.tagged(push, f"{kind}:{key}")
        rows.append(row_values(kind, to_member, key, now, notice, channel=PUSH))
    if EMAIL in chosen or not rows:
        rows.append(row_values(kind, to_member, key, now, payload))
    insert_rows(rows)


def queue_partner_notice(notice) -> None:
    """An offer, a request or an answer between partners (planner.week.handovers.Notice);
    the notices it makes out of date are withdrawn if not sent yet."""
    if notice.supersedes:
        withdraw(notice.to.household_id, notice.supersedes)
    url = emails.link_to("today.home")
    # In the partner's language, not the request's: words given lazily are read in it.
    with in_language(notice.to.language):
        subject, lines = str(notice.subject), tuple(str(line) for line in notice.lines)
        payload = emails.notice_payload(notice.to, subject, lines, url)
    push = {"title": subject, "body": lines[0], "url": pushes.app_path("today.home")}
    queue_notice(notice.kind, notice.to, notice.key, payload, push)


def withdraw(household_id: int, key_prefix: str, key_suffix: str = "") -> None:
    """The household's unsent notices whose key starts with the prefix (and ends with the
    suffix): not sent after all."""
    db.session.execute(
        update(Reminder)
        .where(
            Reminder.household_id == household_id,
            Reminder.occurrence_key.startswith(key_prefix, autoescape=True),
            Reminder.occurrence_key.endswith(key_suffix, autoescape=True),
            Reminder.state.in_((ReminderState.PENDING, ReminderState.FAILED)),
        )
        .values(state=ReminderState.CANCELLED, next_attempt_at=None)
        .execution_options(synchronize_session=False)
    )
