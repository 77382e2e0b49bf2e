"""Week plans: check-ins, the items of one week with their owners, and what happened."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ColumnElement, Date, ForeignKey, String, Text, UniqueConstraint, and_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.database import UTCDateTime, utcnow, vocabulary
from planner.domain.vocabulary import CheckInState, Kindness, OccurrenceState, PlanState
from planner.extensions import Model
from planner.models.household import Household, Member
from planner.models.inventory import Responsibility


class WeekPlan(Model):
    __tablename__ = "week_plan"
    __table_args__ = (UniqueConstraint("household_id", "week_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    week_start: Mapped[date] = mapped_column(Date)
    status: Mapped[PlanState] = mapped_column(
        vocabulary(PlanState, "plan_state", 10), default=PlanState.DRAFT
    )
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Grows on every change (planner.models.changes): the live-update poll follows it.
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    household: Mapped[Household] = relationship()
    items: Mapped[list[PlanItem]] = relationship(back_populates="week_plan", order_by="PlanItem.id")
    checkins: Mapped[list[CheckIn]] = relationship(order_by="CheckIn.member_id")

    @classmethod
    def of_week(cls, household_id: int, week_start: date) -> ColumnElement[bool]:
        """The condition that names one household's plan for one week (there is one)."""
        return and_(cls.household_id == household_id, cls.week_start == week_start)


class CheckIn(Model):
    __tablename__ = "check_in"
    __table_args__ = (UniqueConstraint("week_plan_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    week_plan_id: Mapped[int] = mapped_column(
        ForeignKey("week_plan.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    state: Mapped[CheckInState | None] = mapped_column(
        vocabulary(CheckInState, "checkin_state", 16)
    )
    capacity: Mapped[int | None] = mapped_column()
    # Checked in again during the week (planner.midweek): the latest word wins.
    midweek_state: Mapped[CheckInState | None] = mapped_column(
        vocabulary(CheckInState, "midweek_state", 16)
    )
    midweek_help: Mapped[str] = mapped_column(Text, default="")
    midweek_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    what_would_help: Mapped[str] = mapped_column(Text, default="")
    fairness: Mapped[int | None] = mapped_column()  # "did last week feel fair?" 1–5
    appreciation: Mapped[str] = mapped_column(Text, default="")  # for the partner
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    member: Mapped[Member] = relationship()


class PlanItem(Model):
    """One responsibility (or one-off item) in one week, with its owner for that week."""

    __tablename__ = "plan_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    week_plan_id: Mapped[int] = mapped_column(
        ForeignKey("week_plan.id", ondelete="CASCADE"), index=True
    )
    responsibility_id: Mapped[int | None] = mapped_column(
        ForeignKey("responsibility.id"), index=True
    )
    title: Mapped[str] = mapped_column(String(120))
    effort_minutes: Mapped[int] = mapped_column(default=0)
    mental_load_minutes: Mapped[int] = mapped_column(default=0)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    pinned: Mapped[bool] = mapped_column(default=False)
    minimum_standard: Mapped[str] = mapped_column(String(300), default="")
    kindness: Mapped[Kindness | None] = mapped_column(vocabulary(Kindness, "kindness", 20))
    kindness_note: Mapped[str] = mapped_column(String(300), default="")
    waited: Mapped[bool] = mapped_column(default=False)  # carried over: it waited last week
    sequence: Mapped[int] = mapped_column(default=0)  # iCalendar SEQUENCE
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    household: Mapped[Household] = relationship()
    week_plan: Mapped[WeekPlan] = relationship(back_populates="items")
    responsibility: Mapped[Responsibility | None] = relationship()
    owner: Mapped[Member | None] = relationship(foreign_keys=[owner_id])
    occurrences: Mapped[list[PlanOccurrence]] = relationship(
        back_populates="item", order_by="PlanOccurrence.on_date", cascade="all, delete-orphan"
    )


class PlanOccurrence(Model):
    """One day on which a plan item is to be done."""

    __tablename__ = "plan_occurrence"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    plan_item_id: Mapped[int] = mapped_column(
        ForeignKey("plan_item.id", ondelete="CASCADE"), index=True
    )
    on_date: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None = any time that day
    state: Mapped[OccurrenceState] = mapped_column(
        vocabulary(OccurrenceState, "occurrence_state", 10), default=OccurrenceState.OPEN
    )
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    skip_reason: Mapped[str] = mapped_column(String(300), default="")
    # "I've got it", or an accepted "Can you take it?": who does this one day instead of
    # the item's owner. The item's owner (and next week's draft) stay as agreed.
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A "Can you take it?" waiting for an answer, and who asked and why.
    asked_to_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ask_reason: Mapped[str] = mapped_column(String(300), default="")

    item: Mapped[PlanItem] = relationship(back_populates="occurrences")

    @property
    def holder_id(self) -> int | None:
        """Who does it: whoever took it, else the item's owner."""
        return self.taken_by_id or self.item.owner_id


class AwayTime(Model):
    """Days a member is away ("I'm away Tue–Thu"): nothing of the week is theirs then."""

    __tablename__ = "away_time"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    member: Mapped[Member] = relationship()

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


class Veto(Model):
    __tablename__ = "veto"
    __table_args__ = (UniqueConstraint("plan_item_id", "to_member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    week_plan_id: Mapped[int] = mapped_column(
        ForeignKey("week_plan.id", ondelete="CASCADE"), index=True
    )
    plan_item_id: Mapped[int] = mapped_column(ForeignKey("plan_item.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE")
    )  # who vetoed
    to_member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))


class PlanChange(Model):
    """Short history of changes after a plan was agreed."""

    __tablename__ = "plan_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    week_plan_id: Mapped[int] = mapped_column(
        ForeignKey("week_plan.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    text: Mapped[str] = mapped_column(String(300))
