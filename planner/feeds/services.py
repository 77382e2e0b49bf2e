"""Feed tokens and the stored feed bytes.

A feed is built once per change, not once per process: its bytes are kept in the
`feed_cache` table (one row per token, for one household version and week), written by
the first request after a change and read by every process after it. The request path
is one indexed query: the token's hash joined to its household's version and to the row
of that version, so an unchanged feed costs one read, and a matching ETag answers 304
from the same read without fetching the bytes.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from importlib.metadata import version as package_version
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import (
    LargeBinary,
    and_,
    bindparam,
    case,
    delete,
    null,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.exc import IntegrityError

from planner.database import BareSelect, insert_new, utcnow
from planner.extensions import db
from planner.feeds.builder import build_feed
from planner.models import FeedToken, Household, Member
from planner.models.feeds import FeedCache
from planner.tokens import hash_token
from planner.week.services import week_start_for_household

MAX_TOKEN_CHARS = 100
MAX_ETAG_CHARS = 64


def _code_fingerprint() -> str:
    """This code's and its translations' fingerprint: stored bytes made by other code or
    other words (before a deploy) are built afresh rather than served, though the
    household has not changed since. (Which language a feed speaks is the household's
    data: a member changing theirs moves the household's version.)"""
    digest = hashlib.sha256(package_version("icalendar").encode())
    package = Path(__file__).resolve().parent.parent
    for pattern in ("*.py", "*.mo"):
        for path in sorted(package.rglob(pattern)):
            digest.update(path.read_bytes())
    return digest.hexdigest()


CODE = _code_fingerprint()


def recipe() -> str:
    """What shapes a feed's bytes besides the household's data and the week: the code, the
    compiled catalogues, and the address its UIDs are made from."""
    return _recipe(current_app.config.get("PLANNER_BASE_URL", ""))


@functools.cache  # on every feed request: hashed once per address
def _recipe(base: str) -> str:
    return hashlib.sha256(f"{CODE}:{base}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class BuiltFeed:
    """A feed's bytes and when they were built (whole seconds, as HTTP dates are), its
    Last-Modified: a later household version or week is always built later."""

    body: bytes
    built_at: datetime


@dataclass(frozen=True)
class FoundFeed:
    token_id: int
    household_id: int
    member_id: int | None
    version: int
    week_start: date
    stored: BuiltFeed | None = None  # this version's and week's bytes, when read with it

    @property
    def etag(self) -> str:
        key = f"{self.token_id}:{self.version}:{self.week_start.isoformat()}"
        return hashlib.sha256(key.encode()).hexdigest()[:32]


def _lookup_statement():
    stored = and_(
        FeedCache.feed_token_id == FeedToken.id,
        FeedCache.version == Household.version,
        FeedCache.recipe == bindparam("recipe"),
    )
    return (
        select(
            FeedToken.id,
            FeedToken.token_hash,
            FeedToken.household_id,
            FeedToken.member_id,
            Household.version,
            Household.timezone,
            Household.week_start,
            FeedCache.week_start,
            FeedCache.built_at,
            # The bytes only when the client's ETag is not theirs: a 304 never fetches them.
            type_coerce(
                case((FeedCache.etag == bindparam("etag"), null()), else_=FeedCache.body),
                LargeBinary,
            ),
        )
        .join(Household, Household.id == FeedToken.household_id)
        .outerjoin(FeedCache, stored)
        .where(FeedToken.token_hash == bindparam("token_hash"))
    )


_LOOKUP = BareSelect(_lookup_statement())


def find_feed(token: str, etag: str = "") -> FoundFeed | None:
    """The feed a token opens, or None; one indexed query, constant-time comparison. Its
    stored bytes come along unless `etag` (the one the client holds) is theirs."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    wanted = hash_token(token)
    row = _lookup(wanted, etag if len(etag) <= MAX_ETAG_CHARS else "")
    if row is None or not hmac.compare_digest(row[1], wanted):
        return None
    token_id, _, household_id, member_id, version, timezone, week_start = row[:7]
    stored_week, built_at, body = row[7:]
    week = week_start_for_household(_Zone(timezone, week_start))
    stored = BuiltFeed(body, built_at) if stored_week == week and body is not None else None
    return FoundFeed(token_id, household_id, member_id, version, week, stored)


def _lookup(token_hash: str, etag: str) -> tuple | None:
    """One indexed query, without the ORM session or even SQLAlchemy's Connection: on this
    hottest path their set-up and tear-down would cost more than the query itself."""
    params = {"token_hash": token_hash, "etag": etag, "recipe": recipe()}
    return _LOOKUP.first(db.engine, params)


class _Zone:
    """Just what week maths needs, without loading the household."""

    def __init__(self, timezone: str, week_start: int):
        self.tz, self.week_start = ZoneInfo(timezone), week_start

    today = Household.today  # the household's clock, on just these two fields


def built_feed(found: FoundFeed) -> BuiltFeed:
    """The feed's bytes: those stored for its version and week, else built now and stored
    for every process (in the request's transaction, committed at its end)."""
    if found.stored is not None:
        return found.stored
    household = db.session.get_one(Household, found.household_id)  # never deleted
    body = build_feed(household, found.member_id, found.week_start)
    built = BuiltFeed(body, utcnow().replace(microsecond=0))
    store(found, built)
    return built


def store(found: FoundFeed, built: BuiltFeed) -> None:
    """Keep `built` as the feed's one row, unless a row of a later version is there
    already: two processes building at once both succeed and leave one row."""
    made_by = recipe()
    values = {
        "version": found.version,
        "week_start": found.week_start,
        "recipe": made_by,
        "etag": found.etag,
        "built_at": built.built_at,
        "body": built.body,
    }
    older = or_(
        FeedCache.version < found.version,
        and_(
            FeedCache.version == found.version,
            or_(FeedCache.week_start != found.week_start, FeedCache.recipe != made_by),
        ),
    )
    try:
        db.session.execute(
            update(FeedCache)
            .where(FeedCache.feed_token_id == found.token_id, older)
            .values(values)
            .execution_options(synchronize_session=False)
        )
        insert_new(
            db.session, FeedCache, [{"feed_token_id": found.token_id, **values}], ["feed_token_id"]
        )
    except IntegrityError:
        # The token was reset while its feed was being built: there is nothing to keep
        # the bytes for, and a feed request writes nothing else.
        db.session.rollback()


def _token(nonce: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"feed:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")  # 256 bits


def feed_token(household: Household, member: Member | None) -> str | None:
    """The feed's current secret token, to show again on the settings page; None if none yet."""
    nonce = db.session.scalar(_scope(select(FeedToken.nonce), household, member).limit(1))
    return _token(nonce) if nonce else None


def new_feed_token(household: Household, member: Member | None) -> str:
    """Issue a new secret URL token; any earlier one for the same feed stops working at once
    (its stored bytes go with it)."""
    old = _scope(select(FeedToken.id), household, member)
    db.session.execute(delete(FeedCache).where(FeedCache.feed_token_id.in_(old)))
    db.session.execute(_scope(delete(FeedToken), household, member))
    nonce = secrets.token_hex(16)
    token = _token(nonce)
    db.session.add(
        FeedToken(
            household_id=household.id,
            member_id=member.id if member else None,
            token_hash=hash_token(token),
            nonce=nonce,
        )
    )
    db.session.flush()
    return token


def _scope(statement, household: Household, member: Member | None):
    statement = statement.where(FeedToken.household_id == household.id)
    if member is None:
        return statement.where(FeedToken.member_id.is_(None))
    return statement.where(FeedToken.member_id == member.id)


def set_day_list(member: Member, on: bool) -> None:
    """Untimed responsibilities as one all-day list per day in the member's own feed; the
    household's version moves on with it, so the feed is built afresh."""
    member.feed_day_list = on
    db.session.flush()
