"""A member's devices with notifications on: checked, saved, removed (services only flush)."""

from __future__ import annotations

import base64
import binascii
import ipaddress
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from sqlalchemy import delete, select

from planner.domain.refusal import Refused
from planner.extensions import db
from planner.i18n import _, _l
from planner.models import Member, PushSubscription
from planner.models.changes import reminders_follow

ENDPOINT_MAX = 1000
TRY_AGAIN = _l("Your browser sent something unexpected. Please try turning notifications on again.")


@dataclass(frozen=True)
class NewDevice:
    endpoint: str
    p256dh: str
    auth: str


def _b64url(value: Any, field: str, size: int) -> bytes:
    if not isinstance(value, str) or not value or len(value) > 200:
        raise Refused(str(TRY_AGAIN), field=field)
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as exc:
        raise Refused(str(TRY_AGAIN), field=field) from exc
    if len(raw) != size:
        raise Refused(str(TRY_AGAIN), field=field)
    return raw


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _check_endpoint(value: Any) -> str:
    """A push service's https address (browsers only ever give those); never an address
    inside this server's network."""
    if not isinstance(value, str) or not value or len(value) > ENDPOINT_MAX:
        raise Refused(str(TRY_AGAIN), field="endpoint")
    parts = urlsplit(value)
    host = (parts.hostname or "").lower()
    test_service = current_app.config.get("PLANNER_PUSH_ALLOW_LOOPBACK") and _loopback(host)
    if test_service and parts.scheme in ("http", "https"):
        return value
    if parts.scheme != "https" or not host or "." not in host or parts.username:
        raise Refused(
            _("Notifications need a push service address starting with https://."), "endpoint"
        )
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return value
    raise Refused(_("Notifications need a push service's name, not a bare IP address."), "endpoint")


def read_device(data: Any) -> NewDevice:
    """What a browser's PushSubscription.toJSON() gives: endpoint and keys p256dh, auth."""
    if not isinstance(data, dict):
        raise Refused(str(TRY_AGAIN), status=400)
    keys = data.get("keys")
    if not isinstance(keys, dict):
        raise Refused(str(TRY_AGAIN), field="keys")
    endpoint = _check_endpoint(data.get("endpoint"))
    point = _b64url(keys.get("p256dh"), "p256dh", 65)
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError as exc:
        raise Refused(str(TRY_AGAIN), field="p256dh") from exc
    _b64url(keys.get("auth"), "auth", 16)
    return NewDevice(endpoint, keys["p256dh"], keys["auth"])


def subscribe(member: Member, device: NewDevice, user_agent: str) -> bool:
    """Notifications on for this device; True when it is new. A browser has one
    subscription: if someone else signed in on it before, it is now this member's."""
    row = db.session.scalar(
        select(PushSubscription).where(PushSubscription.endpoint == device.endpoint)
    )
    created = row is None
    if row is None:
        row = PushSubscription(endpoint=device.endpoint)
        db.session.add(row)
    row.household_id, row.member_id = member.household_id, member.id
    row.p256dh, row.auth, row.user_agent = device.p256dh, device.auth, user_agent[:300]
    # Scheduled reminders now come by notification too (planner.models.changes).
    db.session.flush()
    return created


def _removed(member: Member, *conditions) -> None:
    deleted = db.session.execute(
        delete(PushSubscription)
        .where(PushSubscription.member_id == member.id, *conditions)
        .execution_options(synchronize_session=False)
    )
    if not getattr(deleted, "rowcount", 0):
        raise Refused(_("Notifications aren't on for that device."), status=404)
    # What only a notification would carry goes by email (planner.models.changes).
    reminders_follow(db.session(), member.household_id)


def unsubscribe(member: Member, endpoint: Any) -> None:
    """Notifications off for one of the member's own devices (by its endpoint)."""
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > ENDPOINT_MAX:
        raise Refused(str(TRY_AGAIN), field="endpoint")
    _removed(member, PushSubscription.endpoint == endpoint)


def remove_device(member: Member, device_id: int) -> None:
    """Notifications off for one of the member's own devices (from the devices list)."""
    _removed(member, PushSubscription.id == device_id)


def devices_of(member: Member) -> list[PushSubscription]:
    return list(
        db.session.scalars(
            select(PushSubscription)
            .where(PushSubscription.member_id == member.id)
            .order_by(PushSubscription.created_at)
        )
    )


_BROWSERS = (
    ("Edg/", "Edge"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", _l("a Mac")),
    ("Linux", "Linux"),
)


def device_name(user_agent: str) -> str:
    """A device as people say it ("Chrome on Android"), from its browser's User-Agent."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), None)
    system = next((str(name) for mark, name in _SYSTEMS if mark in user_agent), "")
    if browser is None:
        return _("A browser on %(system)s", system=system) if system else _("A browser")
    return _("%(browser)s on %(system)s", browser=browser, system=system) if system else browser
