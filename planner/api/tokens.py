"""Personal access tokens: made, listed and revoked on the member's page; checked and
counted on every API request.

The secret is shown once; only its SHA-256 is kept (a random 256-bit secret needs no slow
hash). A request is counted per token in a fixed one-minute window, in one atomic UPDATE
committed on its own, so every web process shares the count and a request that fails
(and rolls back) still counts.
"""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, case, select, update
from sqlalchemy.exc import OperationalError

from planner.database import utcnow
from planner.domain.refusal import Refused
from planner.domain.text import clean_text
from planner.domain.vocabulary import TokenScope
from planner.extensions import db
from planner.i18n import _
from planner.models import ApiToken, Member
from planner.tokens import hash_token

PREFIX = "pat_"  # says what a leaked string is, for secret scanners and people alike
MAX_TOKENS = 20
WINDOW = timedelta(minutes=1)
COUNT_WAIT_MS = 200  # SQLite: how long a count waits for another writer before it gives up


def create_token(member: Member, name: str, scope: str) -> tuple[ApiToken, str]:
    """A new token and its secret (shown once, never stored)."""
    name = str(clean_text(name or ""))
    if not name or len(name) > 60:
        raise Refused(
            _("Give the token a name of up to 60 characters, like Home Assistant."), "name"
        )
    if scope not in set(TokenScope):
        raise Refused(_("Choose read only, or read and change."), "scope")
    if len([t for t in member_tokens(member) if t.revoked_at is None]) >= MAX_TOKENS:
        raise Refused(
            _("Up to %(most)d tokens at a time: revoke one you no longer use.", most=MAX_TOKENS)
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        household_id=member.household_id,
        member_id=member.id,
        name=name,
        scope=TokenScope(scope),
        token_hash=hash_token(secret),
    )
    db.session.add(token)
    db.session.flush()
    return token, secret


def member_tokens(member: Member) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.member_id == member.id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id)
        )
    )


def revoke(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()


def find_active(secret: str) -> ApiToken | None:
    """The token this secret opens, unless it was revoked (or its member left)."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    if token is None or token.revoked_at is not None:
        return None
    if token.member.household_id != token.household_id:
        return None
    return token


def count_request(token: ApiToken, limit: int, now: datetime | None = None) -> int | None:
    """Count one request in the token's current minute: 0 while within `limit`, else the
    seconds until the next minute begins (for Retry-After); None when the token was
    revoked or removed since it was read (the request stops there)."""
    now = now or utcnow()
    window = now.replace(second=0, microsecond=0)
    counted = (
        update(ApiToken)
        .where(ApiToken.id == token.id, ApiToken.revoked_at.is_(None))
        .values(
            window_count=case(
                (ApiToken.window_started_at == window, ApiToken.window_count + 1), else_=1
            ),
            window_started_at=window,
            last_used_at=now,
        )
        .returning(ApiToken.window_count)
    )
    # The one deliberate exception to one transaction per request (as sign-in throttling):
    # the count is committed at once, whatever becomes of the request.
    with db.engine.connect() as counting:
        if counting.dialect.name == "sqlite":
            count = _count_on_sqlite(counting, counted)
        else:
            count = counting.scalar(counted)
        counting.commit()
    if count is None:
        return None
    if count <= limit:
        return 0
    return max(1, math.ceil((window + WINDOW - now).total_seconds()))


def _count_on_sqlite(counting: Connection, counted: Any) -> int | None:
    """SQLite lets one writer at a time; a read must not wait for a partner's save for
    the sake of a counter, so while one is under way this request goes uncounted."""
    waits: int = counting.exec_driver_sql("PRAGMA busy_timeout").scalar_one()
    counting.exec_driver_sql(f"PRAGMA busy_timeout = {COUNT_WAIT_MS}")
    try:
        return counting.scalar(counted)
    except OperationalError:
        counting.rollback()
        return 0
    finally:
        counting.exec_driver_sql(f"PRAGMA busy_timeout = {int(waits)}")
