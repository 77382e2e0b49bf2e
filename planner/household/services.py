"""Household settings and member profiles."""

from __future__ import annotations

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from planner.auth.services import (
    check_current_password,
    email_taken,
    end_sessions,
    normalise_email,
)
from planner.database import claim
from planner.domain.refusal import Conflict, Refused, fingerprint
from planner.extensions import db
from planner.i18n import _, _l
from planner.models import Household, Invite, Member, utcnow
from planner.selfcare.services import follow_household_settings
from planner.week.services import week_start_for_household

SETTINGS = (
    "name",
    "timezone",
    "week_start",
    "planning_weekday",
    "planning_time",
    "planning_minutes",
)
# How a conflict names each setting, beside its value now.
SETTING_NAMES = {
    "name": _l("name"),
    "timezone": _l("timezone"),
    "week_start": _l("week start"),
    "planning_weekday": _l("planning weekday"),
    "planning_time": _l("planning time"),
    "planning_minutes": _l("planning minutes"),
}


def settings_fingerprint(household: Household) -> str:
    return fingerprint(*(getattr(household, name) for name in SETTINGS))


def update_household(household: Household, base: str | None = None, **fields) -> None:
    """Save the settings; refused when a partner saved other values since the form opened."""
    claim(db.session, household)
    db.session.refresh(household)
    now = {name: getattr(household, name) for name in SETTINGS}
    if base and base != settings_fingerprint(household) and now != {n: fields[n] for n in SETTINGS}:
        raise Conflict(
            _("These settings were changed on another screen while you were editing."),
            ", ".join(f"{SETTING_NAMES[name]}: {value}" for name, value in now.items()),
        )
    before_tz, this_week = household.tz, week_start_for_household(household)
    for name in SETTINGS:
        setattr(household, name, fields[name])
    household.name = household.name.strip()
    if (household.timezone, household.week_start) != (now["timezone"], now["week_start"]):
        # Stored self-care moves and skips of coming weeks follow the new zone and weeks.
        follow_household_settings(household, before_tz, this_week)
    db.session.flush()


def update_profile(
    member: Member, display_name: str, email: str, colour: str, language: str
) -> None:
    email = normalise_email(email)
    if email != member.email and email_taken(email):
        raise Refused(_("That email already has an account."), "email")
    member.display_name, member.email, member.colour = display_name.strip(), email, colour.lower()
    member.language = language
    db.session.flush()


def change_password(member: Member, current: str, new: str) -> None:
    """Checked (and throttled) as a sign-in is; every other session of the member ends."""
    if not check_current_password(member, current, "current_password"):
        raise Refused(_("That isn't your current password."), "current_password")
    member.password_hash = generate_password_hash(new)
    end_sessions(member)


def open_invites(household_id: int) -> list[Invite]:
    return list(
        db.session.scalars(
            select(Invite)
            .where(
                Invite.household_id == household_id,
                Invite.used_at.is_(None),
                Invite.expires_at > utcnow(),
            )
            .order_by(Invite.created_at.desc())
        )
    )


def cancel_invite(invite: Invite) -> None:
    db.session.delete(invite)
    db.session.flush()
