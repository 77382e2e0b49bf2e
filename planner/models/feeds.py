"""Calendar feeds out (secret subscription tokens) and calendars brought in (busy times)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.database import UTCDateTime, utcnow
from planner.extensions import Model
from planner.models.household import Member


class FeedToken(Model):
    """A secret feed URL. The token is an HMAC of `nonce` under SECRET_KEY, so the
    settings page can show it again while a database leak alone reveals no usable URL;
    requests find it by the token's SHA-256. Ids are never used again, on SQLite as on
    PostgreSQL: stored feed bytes and ETags are keyed by them."""

    __tablename__ = "feed_token"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    # None = the household feed (everything); else that member's own feed.
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FeedCache(Model):
    """A feed's bytes as last built, shared by every web process: at most one row per feed
    token, for one household version and week (and `recipe`: the code and address that
    made them). Rows of an older version are replaced, never served; a token's row goes
    with the token."""

    __tablename__ = "feed_cache"

    feed_token_id: Mapped[int] = mapped_column(
        ForeignKey("feed_token.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int]
    week_start: Mapped[date]
    recipe: Mapped[str] = mapped_column(String(16))
    etag: Mapped[str] = mapped_column(String(32))
    built_at: Mapped[datetime] = mapped_column(UTCDateTime)
    body: Mapped[bytes] = mapped_column(LargeBinary)


class CalendarImport(Model):
    """A member's own calendar: an uploaded .ics file or a subscribed URL."""

    __tablename__ = "calendar_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    source_url: Mapped[str | None] = mapped_column(String(2000))  # None = an uploaded file
    # The last good calendar, so busy times can be re-read as the weeks move on.
    ics_data: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    refresh_minutes: Mapped[int] = mapped_column(default=360)
    last_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    member: Mapped[Member] = relationship()
    busy_blocks: Mapped[list[BusyBlock]] = relationship(
        back_populates="calendar_import", cascade="all, delete-orphan"
    )


class BusyBlock(Model):
    """One busy time read from an imported calendar, within the window Planner looks at."""

    __tablename__ = "busy_block"
    __table_args__ = (Index("ix_busy_block_household_starts", "household_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    import_id: Mapped[int] = mapped_column(
        ForeignKey("calendar_import.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    summary: Mapped[str] = mapped_column(String(200), default="")

    calendar_import: Mapped[CalendarImport] = relationship(back_populates="busy_blocks")
