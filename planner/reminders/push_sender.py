"""Sending claimed phone notifications: each to every device of its member, once.

A row is one notification to one member; the devices that already have it are recorded
on the row as they get it (committed one by one), so a retry after a push service failed
for one device, or after a crash, goes only to the devices still without it. A device
whose push service answers 404 or 410 turned notifications off: its subscription is
removed, and the row still counts as sent when another device got it. Other failures are
retried with the same back-off as email, within the same grace window.
"""

from __future__ import annotations

import json

import requests
from flask import current_app
from sqlalchemy import delete, select

from planner.database import utcnow
from planner.extensions import db
from planner.models import PushSubscription
from planner.models.changes import reminders_follow
from planner.push.delivery import Device, Gone, PushFailed, deliver
from planner.reminders.sender import Outcome, _failed, _sent, in_time, update_held

NO_DEVICE = "No device has notifications on any more, so this notification had nowhere to go."


def _devices(member_id: int) -> list[Device]:
    rows = db.session.execute(
        select(
            PushSubscription.id,
            PushSubscription.endpoint,
            PushSubscription.p256dh,
            PushSubscription.auth,
        )
        .where(PushSubscription.member_id == member_id)
        .order_by(PushSubscription.id)
    ).all()
    return [Device(r.id, r.endpoint, r.p256dh, r.auth) for r in rows]


def _pushed(row, done: list[int]) -> None:
    """Record that these devices have it, at once: after a crash they don't get it again."""
    update_held(row, pushed_to=done)


def _forget(device: Device) -> None:
    household_id = db.session.scalar(
        delete(PushSubscription)
        .where(PushSubscription.id == device.id)
        .returning(PushSubscription.household_id)
    )
    if household_id is not None:  # what it would have carried goes by email from now on
        reminders_follow(db.session(), household_id)
    db.session.commit()


def _push(row, session: requests.Session, outcome: Outcome) -> None:
    """Send one claimed row to each of its member's devices and record the outcome."""
    now = utcnow()
    payload = json.loads(row.payload)
    ttl = int((row.expires_at - now).total_seconds())  # the service drops it once too late
    done = list(row.pushed_to or [])
    errors = []
    for device in _devices(row.member_id):
        if device.id in done:
            continue
        try:
            deliver(device, payload, ttl, session)
        except Gone:
            _forget(device)
            continue
        except PushFailed as exc:
            errors.append(str(exc))
            continue
        done.append(device.id)
        _pushed(row, done)
    if errors:
        _failed(row, " ".join(errors), now)
        outcome.failed += 1
    elif not done:
        _failed(row, NO_DEVICE, now, final=True)
        outcome.failed += 1
    else:
        _sent(row)
        outcome.sent += 1


def send_push_batch(rows, outcome: Outcome) -> bool:
    """Send claimed notification rows; a failure stays with its row (always True: no
    connection is shared that could break for the rest)."""
    with requests.Session() as session:
        for _index, row, now in in_time(rows, outcome):
            try:
                _push(row, session, outcome)
            except Exception as exc:  # a poison row (unreadable payload, a broken key file)
                db.session.rollback()
                current_app.logger.exception("Notification %s cannot be sent", row.id)
                _failed(
                    row,
                    f"This notification could not be sent: {type(exc).__name__}: {exc}",
                    now,
                    final=True,
                )
                outcome.failed += 1
    return True
