"""The reminder outbox: one row per email or notification to send, the truth the
schedulers share."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.database import UTCDateTime, utcnow, vocabulary
from planner.domain.vocabulary import ReminderChannel, ReminderKind, ReminderState
from planner.extensions import Model
from planner.models.household import Member


class Reminder(Model):
    """One email or one notification to one member for one occurrence (a slot's week, a
    session, a plan): each channel has its own row, so each is sent exactly once.

    Schedulers claim due rows with a lease, so any number of them can run and a row
    held by a process that died is claimed again once its lease has run out.
    """

    __tablename__ = "reminder"
    __table_args__ = (
        UniqueConstraint("kind", "member_id", "occurrence_key", "channel"),
        Index("ix_reminder_state_next_attempt_at", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ReminderKind] = mapped_column(vocabulary(ReminderKind, "reminder_kind", 20))
    occurrence_key: Mapped[str] = mapped_column(String(80))
    channel: Mapped[ReminderChannel] = mapped_column(
        vocabulary(ReminderChannel, "reminder_channel", 10),
        default=ReminderChannel.EMAIL,
        server_default=ReminderChannel.EMAIL.value,
    )
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # due_at + the kind's grace window: never sent after this moment.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[ReminderState] = mapped_column(
        vocabulary(ReminderState, "reminder_state", 10), default=ReminderState.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    last_error: Mapped[str | None] = mapped_column(Text)
    # Made once when the row is created, so a resend after a crash is recognisable.
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    # Hash of what the email says; the payload is re-rendered only when it changes.
    fingerprint: Mapped[str] = mapped_column(String(64), default="")
    # Email: to, subject, mime (or text, html, headers, attachments); push: title, body, url.
    payload: Mapped[dict] = mapped_column(JSON)
    # Push: the subscriptions (ids) that already have it, so a retry skips them.
    pushed_to: Mapped[list | None] = mapped_column(JSON)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # One-click links in the email work once: the first use is recorded here.
    link_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    link_action: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    member: Mapped[Member] = relationship()


class ReminderHorizon(Model):
    """How far ahead a household's scheduled reminders are written to the outbox.

    A change brings the household's reminders up to date in its own transaction; the
    scheduler only extends horizons that run out soon (an indexed range), claiming them
    with a lease like the outbox rows, so a tick's work never grows with the number of
    households.
    """

    __tablename__ = "reminder_horizon"

    household_id: Mapped[int] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), primary_key=True
    )
    scheduled_until: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
