"""Live together: a cheap version check for open pages, and optimistic concurrency.

Open session pages poll `version` every second. The answer is one indexed query
and, when nothing changed, an empty 204 that htmx ignores; so a gunicorn sync worker
is held for about a millisecond per poll, never for the life of a page. See docs/live.md.

Forms carry a fingerprint of what they edit (`base`). A save whose base no longer
matches the stored value was made on a stale copy and is refused with the current
value; saves to other things simply merge, because they don't compare equal.
"""

from __future__ import annotations

from flask import session
from markupsafe import Markup
from sqlalchemy import bindparam, select

from planner.auth.services import session_matches, split_session_id
from planner.extensions import db
from planner.models import Member, WeekPlan

LIVE_EVENT = "plan-changed"


def poll_element(url: str, version: int) -> Markup:
    """The polling element; the same markup as templates/session/_poll.html."""
    return Markup(
        '<div id="live-poll" hx-get="{}" hx-trigger="every 1s" hx-swap="outerHTML" '
        'data-version="{}"></div>'
    ).format(url, version)


_VERSION = (
    select(WeekPlan.version, Member.password_hash)
    .join(Member, Member.household_id == WeekPlan.household_id)
    .where(WeekPlan.id == bindparam("plan_id"), Member.id == bindparam("member_id"))
)


def current_version(plan_id: int) -> int | None:
    """The plan's version if the signed-in member's household owns it, in one query.

    Reads the member id from the signed session instead of loading the member, so a
    poll costs one primary-key lookup joined to one indexed row.
    """
    parts = split_session_id(session.get("_user_id"))
    if parts is None:
        return None
    # A bare pooled connection: the ORM session would cost more than the query.
    with db.engine.connect() as conn:
        row = conn.execute(_VERSION, {"plan_id": plan_id, "member_id": parts[0]}).first()
    if row is None or not session_matches(row.password_hash, parts[1]):
        return None
    return row.version
