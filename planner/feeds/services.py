"""Feed tokens and the cached feed bytes.

The request path is one indexed query (token hash joined to the household's version);
bytes are built once per (token, household version, week) and kept in a small LRU, so
an unchanged feed is never rebuilt and a matching ETag never builds anything.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import bindparam, delete, select

from planner.database import utcnow
from planner.extensions import db
from planner.feeds.builder import build_feed
from planner.models import FeedToken, Household, Member
from planner.tokens import hash_token
from planner.week.services import week_start_for_household

CACHE_SIZE = 512
MAX_TOKEN_CHARS = 100


@dataclass(frozen=True)
class FoundFeed:
    token_id: int
    household_id: int
    member_id: int | None
    version: int
    week_start: date

    @property
    def etag(self) -> str:
        key = f"{self.token_id}:{self.version}:{self.week_start.isoformat()}"
        return hashlib.sha256(key.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class BuiltFeed:
    """A feed's bytes and when this process built them (whole seconds, as HTTP dates are),
    its Last-Modified: a later household version or week is always built later."""

    body: bytes
    built_at: datetime


class _FeedCache:
    """Process-local LRU of rendered feeds; a new household version is simply a new key."""

    def __init__(self, size: int):
        self.size, self._lock = size, threading.Lock()
        self._items: OrderedDict[tuple[int, int, date], BuiltFeed] = OrderedDict()

    def get(self, key):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


cache = _FeedCache(CACHE_SIZE)


def _lookup_statement():
    return (
        select(
            FeedToken.id,
            FeedToken.token_hash,
            FeedToken.household_id,
            FeedToken.member_id,
            Household.version,
            Household.timezone,
            Household.week_start,
        )
        .join(Household, Household.id == FeedToken.household_id)
        .where(FeedToken.token_hash == bindparam("token_hash"))
    )


_LOOKUP = _lookup_statement()


def find_feed(token: str) -> FoundFeed | None:
    """The feed a token opens, or None; one indexed query, constant-time comparison."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    wanted = hash_token(token)
    row = _lookup(wanted)
    if row is None or not hmac.compare_digest(row[1], wanted):
        return None
    token_id, _, household_id, member_id, version, timezone, week_start = row
    week = week_start_for_household(_Zone(timezone, week_start))
    return FoundFeed(token_id, household_id, member_id, version, week)


def _lookup(token_hash: str) -> tuple | None:
    """One indexed query on a bare pooled connection: on this hottest path the ORM
    session's set-up and tear-down would cost more than the query itself."""
    with db.engine.connect() as conn:
        row = conn.execute(_LOOKUP, {"token_hash": token_hash}).first()
    return tuple(row) if row else None


class _Zone:
    """Just what week maths needs, without loading the household."""

    def __init__(self, timezone: str, week_start: int):
        self.tz, self.week_start = ZoneInfo(timezone), week_start

    today = Household.today  # the household's clock, on just these two fields


def _key(found: FoundFeed) -> tuple[int, int, date]:
    return (found.token_id, found.version, found.week_start)


def built_feed(found: FoundFeed) -> BuiltFeed:
    built: BuiltFeed | None = cache.get(_key(found))
    if built is None:
        household = db.session.get_one(Household, found.household_id)  # never deleted
        body = build_feed(household, found.member_id, found.week_start)
        built = BuiltFeed(body, utcnow().replace(microsecond=0))
        cache.put(_key(found), built)
    return built


def feed_bytes(found: FoundFeed) -> bytes:
    return built_feed(found).body


def _token(nonce: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"feed:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")  # 256 bits


def feed_token(household: Household, member: Member | None) -> str | None:
    """The feed's current secret token, to show again on the settings page; None if none yet."""
    nonce = db.session.scalar(_scope(select(FeedToken.nonce), household, member).limit(1))
    return _token(nonce) if nonce else None


def new_feed_token(household: Household, member: Member | None) -> str:
    """Issue a new secret URL token; any earlier one for the same feed stops working at once."""
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
