"""Households, their members, invites and sign-in throttling."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, Time, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.database import UTCDateTime, utcnow
from planner.extensions import Model


def new_session_secret() -> str:
    return secrets.token_hex(16)


class Household(Model):
    __tablename__ = "household"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    week_start: Mapped[int] = mapped_column(default=0)  # 0 = Monday … 6 = Sunday
    planning_weekday: Mapped[int] = mapped_column(default=6)
    planning_time: Mapped[time] = mapped_column(Time, default=time(19, 0))
    planning_minutes: Mapped[int] = mapped_column(default=30)
    # Grows on every change a feed or an open page shows (planner.models.changes).
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[Member]] = relationship(
        back_populates="household", order_by="Member.id", cascade="all, delete-orphan"
    )

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def today(self) -> date:
        """Today's date in the household's zone."""
        return datetime.now(self.tz).date()


class Member(UserMixin, Model):
    __tablename__ = "member"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    display_name: Mapped[str] = mapped_column(String(60))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # Part of every session id (planner.auth.services.session_id): signing out or changing
    # the password draws a new one, so every earlier session and remember-me cookie ends.
    session_secret: Mapped[str] = mapped_column(String(32), default=new_session_secret)
    colour: Mapped[str] = mapped_column(String(7), default="#3d7ea6")
    # Reminder lead times in minutes; None = no reminder of that kind.
    selfcare_reminder_minutes: Mapped[int | None] = mapped_column(default=30, server_default="30")
    planning_reminder_minutes: Mapped[int | None] = mapped_column(default=60, server_default="60")
    # In their own feed: untimed responsibilities as one all-day list per day, not one each.
    feed_day_list: Mapped[bool] = mapped_column(default=False, server_default=false())
    # What they read pages, emails and their feed in (planner.i18n.LANGUAGES): their
    # browser's language when they signed up or joined, then their own choice.
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    household: Mapped[Household] = relationship(back_populates="members")

    def get_id(self) -> str:
        from planner.auth.services import session_id

        return session_id(self)


class Invite(Model):
    __tablename__ = "invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    household: Mapped[Household] = relationship()


class LoginThrottle(Model):
    """Attempts per key (an account, an address, a reset target) since `window_started_at`,
    and the moment the next one is allowed (planner.auth.throttle)."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
