"""Typed tables. Each feature keeps its tables in its own module here."""

from planner.database import Base, UTCDateTime, utcnow
from planner.models import changes  # noqa: F401  (the change-tracking listener)
from planner.models.api import ApiToken
from planner.models.feeds import BusyBlock, CalendarImport, FeedToken
from planner.models.household import Household, Invite, LoginThrottle, Member
from planner.models.inventory import Area, Responsibility, responsibility_allowed_member
from planner.models.push import ChannelChoice, PushSubscription
from planner.models.reminders import Reminder, ReminderHorizon
from planner.models.selfcare import SelfCareSlot, SelfCareWeek
from planner.models.week import (
    AwayTime,
    CheckIn,
    PlanChange,
    PlanItem,
    PlanOccurrence,
    Veto,
    WeekPlan,
)

__all__ = [
    "ApiToken",
    "Area",
    "AwayTime",
    "Base",
    "BusyBlock",
    "CalendarImport",
    "ChannelChoice",
    "CheckIn",
    "FeedToken",
    "Household",
    "Invite",
    "LoginThrottle",
    "Member",
    "PlanChange",
    "PlanItem",
    "PlanOccurrence",
    "PushSubscription",
    "Reminder",
    "ReminderHorizon",
    "Responsibility",
    "SelfCareSlot",
    "SelfCareWeek",
    "UTCDateTime",
    "Veto",
    "WeekPlan",
    "responsibility_allowed_member",
    "utcnow",
]
