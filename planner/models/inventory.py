"""The inventory: everything it takes to run the household."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Column, Date, ForeignKey, String, Table, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.database import UTCDateTime, utcnow
from planner.domain.balance.model import Flexibility
from planner.extensions import Model, db
from planner.models.household import Household, Member

responsibility_allowed_member = Table(
    "responsibility_allowed_member",
    db.metadata,
    Column(
        "responsibility_id", ForeignKey("responsibility.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("member_id", ForeignKey("member.id", ondelete="CASCADE"), primary_key=True),
)


class Area(Model):
    __tablename__ = "area"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    key: Mapped[str] = mapped_column(String(40))  # home, out, caregiving, magic, wild, or custom
    name: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(default=0)

    household: Mapped[Household] = relationship()


class Responsibility(Model):
    __tablename__ = "responsibility"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    rrule: Mapped[str | None] = mapped_column(String(300))  # RFC 5545; None = as needed
    starts_on: Mapped[date] = mapped_column(
        Date
    )  # DTSTART: phase of "every N weeks", date of "once"
    preferred_time: Mapped[time | None] = mapped_column(Time)
    effort_minutes: Mapped[int] = mapped_column(default=0)
    mental_load_minutes: Mapped[int] = mapped_column(default=0)
    default_owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("member.id", ondelete="SET NULL")
    )
    pinned: Mapped[bool] = mapped_column(default=False)  # only its owner can hold it
    # How it can give in a hard week (see balance.Flexibility): none of these means it
    # must happen as agreed. help_from is None when no one outside could do it.
    can_wait: Mapped[bool] = mapped_column(default=False)
    simpler: Mapped[str] = mapped_column(String(200), default="")
    help_from: Mapped[str | None] = mapped_column(String(200))
    together: Mapped[bool] = mapped_column(default=False)  # time together: belongs to both
    minimum_standard: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    starter_key: Mapped[str | None] = mapped_column(String(60))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    household: Mapped[Household] = relationship()
    area: Mapped[Area] = relationship()
    default_owner: Mapped[Member | None] = relationship()
    allowed_members: Mapped[list[Member]] = relationship(secondary=responsibility_allowed_member)

    @property
    def flex(self) -> Flexibility:
        return Flexibility(self.can_wait, self.simpler, self.help_from, self.together)
