"""Typed tables. Each feature keeps its tables in its own module here."""

from planner.database import Base, UTCDateTime, utcnow
from planner.models.household import Household, Invite, LoginThrottle, Member

__all__ = ["Base", "Household", "Invite", "LoginThrottle", "Member", "UTCDateTime", "utcnow"]
