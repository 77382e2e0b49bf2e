"""Protected self-care slots and what happened to them in each week."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Date, ForeignKey, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.database import UTCDateTime, utcnow, vocabulary
from planner.domain.vocabulary import SelfCareOutcome, SelfCareStatus
from planner.extensions import Model
from planner.models.household import Household, Member


class SelfCareSlot(Model):
    """Weekly protected time: one member's self-care (the partner is on duty during it),
    or, with no member, time together that belongs to both."""

    __tablename__ = "self_care_slot"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), index=True
    )  # None: time together
    title: Mapped[str] = mapped_column(String(80))
    weekday: Mapped[int] = mapped_column()  # 0 = Monday
    start_time: Mapped[time] = mapped_column(Time)  # household-local wall time
    minutes: Mapped[int] = mapped_column()
    sequence: Mapped[int] = mapped_column(default=0)  # iCalendar SEQUENCE of the series
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    household: Mapped[Household] = relationship()
    member: Mapped[Member | None] = relationship()
    weeks: Mapped[list[SelfCareWeek]] = relationship(
        back_populates="slot", cascade="all, delete-orphan"
    )

    @property
    def together(self) -> bool:
        return self.member_id is None

    def kept_by(self, member_id: int) -> bool:
        """Whether the member looks after this slot: their own, or time together."""
        return self.member_id is None or self.member_id == member_id


class SelfCareWeek(Model):
    """One week of a slot: moved or skipped ahead of time, and kept or missed afterwards."""

    __tablename__ = "self_care_week"
    __table_args__ = (UniqueConstraint("slot_id", "week_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    slot_id: Mapped[int] = mapped_column(
        ForeignKey("self_care_slot.id", ondelete="CASCADE"), index=True
    )
    week_start: Mapped[date] = mapped_column(Date)
    original_start: Mapped[datetime] = mapped_column(UTCDateTime)  # the RECURRENCE-ID
    status: Mapped[SelfCareStatus] = mapped_column(
        vocabulary(SelfCareStatus, "selfcare_status", 10), default=SelfCareStatus.PLANNED
    )
    moved_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[SelfCareOutcome | None] = mapped_column(
        vocabulary(SelfCareOutcome, "selfcare_outcome", 10)
    )
    sequence: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    slot: Mapped[SelfCareSlot] = relationship(back_populates="weeks")
