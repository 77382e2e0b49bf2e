"""Counting attempts per key (an account, an address, a reset target) with a growing wait.

Every attempt is counted before it is checked, in one atomic statement (INSERT … ON
CONFLICT DO UPDATE … WHERE not waiting … RETURNING), so two attempts at the same moment
both count, never collide on the key, and cannot both slip through while a key waits.
After `free` attempts within `memory`, each further attempt sets a wait that doubles from
`first_wait` up to `max_wait`; attempts made while a key waits are refused and not counted,
so they cannot make the wait longer.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, literal, null, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from planner.database import UTCDateTime
from planner.domain.refusal import Throttled
from planner.extensions import db
from planner.i18n import _, _n
from planner.models import LoginThrottle


@dataclass(frozen=True)
class Limit:
    prefix: str  # the key's kind, such as "email:"
    free: int  # attempts without any wait
    first_wait: timedelta
    max_wait: timedelta
    memory: timedelta  # a run of attempts is forgotten this long after it began

    def key(self, value: str) -> str:
        return (self.prefix + value)[:300]

    def wait(self, attempts: int) -> timedelta | None:
        if attempts < self.free:
            return None
        return min(self.max_wait, self.first_wait * 2 ** (attempts - self.free))

    def until_sql(self, attempts: Any, now: datetime) -> Any:
        """The wait after `attempts` (an SQL expression) as an SQL CASE."""
        doublings = math.ceil(math.log2(self.max_wait / self.first_wait))
        whens = [
            (attempts == n, _at(now + self.first_wait * 2 ** (n - self.free)))
            for n in range(self.free, self.free + max(doublings, 0))
        ]
        return case(*whens, (attempts < self.free, null()), else_=_at(now + self.max_wait))


def _at(moment: datetime) -> Any:
    return literal(moment, UTCDateTime())


class _Waiting(Exception):  # noqa: N818 (internal signal, never leaves this module)
    def __init__(self, until: datetime | None) -> None:
        self.until = until


def count_attempt(
    keys: Iterable[tuple[Limit, str]], now: datetime, message: str, field: str
) -> None:
    """The one deliberate exception to one transaction per request: an attempt is counted
    and committed at once, in its own short transaction, because it must count although
    the request that made it fails and rolls back. Refused (Throttled) while any key waits,
    and then nothing is counted."""
    try:
        with Session(db.engine) as throttle, throttle.begin():
            # Keys in a fixed order, so two transactions never wait for each other in a ring.
            for limit, key in sorted(keys, key=lambda pair: pair[1]):
                if throttle.execute(_claim(throttle, limit, key, now)).first() is None:
                    until = throttle.scalar(
                        select(LoginThrottle.locked_until).where(LoginThrottle.key == key)
                    )
                    raise _Waiting(until)
    except _Waiting as waiting:
        wait = _wait_text(waiting.until, now)
        raise Throttled(
            _("%(message)s Please wait %(wait)s and try again.", message=message, wait=wait),
            field,
        ) from None


def _claim(session: Session, limit: Limit, key: str, now: datetime) -> Any:
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    fresh = LoginThrottle.window_started_at > _at(now - limit.memory)
    attempts = case((fresh, LoginThrottle.failures + 1), else_=1)
    return (
        insert(LoginThrottle)
        .values(key=key, failures=1, window_started_at=now, locked_until=_first_until(limit, now))
        .on_conflict_do_update(
            index_elements=[LoginThrottle.key],
            set_={
                "failures": attempts,
                "window_started_at": case((fresh, LoginThrottle.window_started_at), else_=_at(now)),
                "locked_until": limit.until_sql(attempts, now),
            },
            where=or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until <= _at(now)),
        )
        .returning(LoginThrottle.failures)
    )


def _first_until(limit: Limit, now: datetime) -> datetime | None:
    wait = limit.wait(1)
    return None if wait is None else now + wait


def settle_success(forget: str | None = None, refund: tuple[Limit, str] | None = None) -> None:
    """After a right password (the attempt was counted before it was checked), in the same
    kind of short transaction: forget the account's run of attempts, and give the address
    back the one attempt this was, keeping its earlier failures and any wait it had."""
    with Session(db.engine) as throttle, throttle.begin():
        if forget is not None:
            throttle.execute(delete(LoginThrottle).where(LoginThrottle.key == forget))
        if refund is not None:
            limit, key = refund
            left = case((LoginThrottle.failures > 0, LoginThrottle.failures - 1), else_=0)
            throttle.execute(
                update(LoginThrottle)
                .where(LoginThrottle.key == key)
                .values(
                    failures=left,
                    locked_until=case(
                        (left < limit.free, null()), else_=LoginThrottle.locked_until
                    ),
                )
            )


def _wait_text(until: datetime | None, now: datetime) -> str:
    seconds = (until - now).total_seconds() if until else 60
    minutes = max(1, math.ceil(seconds / 60))
    return _n("%(num)d minute", "%(num)d minutes", minutes)
