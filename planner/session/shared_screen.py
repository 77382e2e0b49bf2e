"""On a shared screen a partner confirms it's them once per session, not on every save.

Once a partner's password has been checked for a week's plan, this browser session (the
signed cookie of the member signed in on it) remembers that for that plan for a few hours.
Keyed by who is signed in, so signing in as someone else starts afresh.
"""

from __future__ import annotations

from datetime import timedelta

from flask import session

from planner.database import utcnow

CONFIRMED_FOR = timedelta(hours=4)
_KEY = "shared_screen"


def confirmed(by_id: int, plan_id: int) -> set[int]:
    """Partners who confirmed on this screen for this plan, and are still remembered."""
    now = utcnow().timestamp()
    found = session.get(_KEY, {}).get(f"{by_id}:{plan_id}", {})
    return {int(member) for member, until in found.items() if until > now}


def remember(by_id: int, plan_id: int, member_id: int) -> None:
    now = utcnow().timestamp()
    # Only what is still remembered is kept, so the cookie stays small.
    kept = {
        key: live
        for key, partners in session.get(_KEY, {}).items()
        if (live := {m: until for m, until in partners.items() if until > now})
    }
    kept.setdefault(f"{by_id}:{plan_id}", {})[str(member_id)] = now + CONFIRMED_FOR.total_seconds()
    session[_KEY] = kept
