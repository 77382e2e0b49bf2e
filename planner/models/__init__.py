"""Typed tables. Each feature keeps its tables in its own module here."""

from planner.database import Base, UTCDateTime, utcnow
from planner.models import changes  # noqa: F401  (the change-tracking listener)
from planner.models.feeds import BusyBlock, CalendarImport, FeedToken
from planner.models.household import Household, Invite, LoginThrottle, Member
from planner.models.inventory import Area, Responsibility, responsibility_allowed_member
from planner.models.reminders import REMINDER_STATES, Reminder
from planner.models.selfcare import SelfCareSlot, SelfCareWeek
from planner.models.week import (
    CHECKIN_STATES,
    DEFAULT_CAPACITY,
    CheckIn,
    PlanChange,
    PlanItem,
    PlanOccurrence,
    Veto,
    WeekPlan,
)

__all__ = [
    "CHECKIN_STATES",
    "DEFAULT_CAPACITY",
    "Area",
    "Base",
    "BusyBlock",
    "CalendarImport",
    "CheckIn",
    "FeedToken",
    "Household",
    "Invite",
    "LoginThrottle",
    "Member",
    "PlanChange",
    "PlanItem",
    "PlanOccurrence",
    "REMINDER_STATES",
    "Reminder",
    "Responsibility",
    "SelfCareSlot",
    "SelfCareWeek",
    "UTCDateTime",
    "Veto",
    "WeekPlan",
    "responsibility_allowed_member",
    "utcnow",
]
