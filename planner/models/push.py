"""Where a member's phone notifications go: one Web Push subscription per browser, and
per kind of reminder, whether it comes by email, by notification, or both."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, true
from sqlalchemy.orm import Mapped, mapped_column

from planner.database import UTCDateTime, utcnow, vocabulary
from planner.domain.vocabulary import ReminderKind
from planner.extensions import Model


class PushSubscription(Model):
    """One browser (or installed app) that turned notifications on for a member.

    The endpoint is the push service's address for that browser; p256dh and auth are the
    browser's keys the message is encrypted to (RFC 8291)."""

    __tablename__ = "push_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(100))
    auth: Mapped[str] = mapped_column(String(50))
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ChannelChoice(Model):
    """How one member hears about one kind of reminder. No row: email and notification both
    (a notification only reaches members with a subscription)."""

    __tablename__ = "channel_choice"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[ReminderKind] = mapped_column(
        vocabulary(ReminderKind, "reminder_kind", 20), primary_key=True
    )
    email: Mapped[bool] = mapped_column(default=True, server_default=true())
    push: Mapped[bool] = mapped_column(default=True, server_default=true())
