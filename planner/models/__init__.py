"""Typed tables. Each feature keeps its tables in its own module here."""

from planner.database import Base, UTCDateTime, utcnow
from planner.models.household import Household, Invite, LoginThrottle, Member
from planner.models.inventory import Area, Responsibility, responsibility_allowed_member
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
    "CheckIn",
    "Household",
    "Invite",
    "LoginThrottle",
    "Member",
    "PlanChange",
    "PlanItem",
    "PlanOccurrence",
    "Responsibility",
    "SelfCareSlot",
    "SelfCareWeek",
    "UTCDateTime",
    "Veto",
    "WeekPlan",
    "responsibility_allowed_member",
    "utcnow",
]
