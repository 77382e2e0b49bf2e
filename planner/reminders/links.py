"""Signed links in reminder emails: one-click slot outcomes and the preferences page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from planner.domain.refusal import Refused
from planner.i18n import _

SLOT_ACTIONS = ("kept", "skip")
PREFS_MAX_AGE = 120 * 24 * 3600  # preferences links in old emails keep working for months


LINK_GONE = 410  # a link from an email that is used, expired or not valid


@dataclass(frozen=True)
class SlotLink:
    member_id: int
    occurrence_key: str
    action: str


def _slot_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="reminder-slot-outcome")


def _prefs_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="reminder-preferences")


def slot_token(member_id: int, occurrence_key: str, action: str, expires_at: datetime) -> str:
    if action not in SLOT_ACTIONS:
        raise ValueError(f"unknown slot action {action!r}")
    return _slot_serializer().dumps(
        {"m": member_id, "o": occurrence_key, "a": action, "x": int(expires_at.timestamp())}
    )


def read_slot_token(token: str, now: datetime | None = None) -> SlotLink:
    try:
        data = _slot_serializer().loads(token)
        link = SlotLink(int(data["m"]), str(data["o"]), str(data["a"]))
        expires = datetime.fromtimestamp(int(data["x"]), UTC)
    except (BadSignature, KeyError, TypeError, ValueError) as exc:
        raise Refused(
            _("This link isn't valid. Open it straight from the email."), status=LINK_GONE
        ) from exc
    if link.action not in SLOT_ACTIONS:
        raise Refused(
            _("This link isn't valid. Open it straight from the email."), status=LINK_GONE
        )
    if (now or datetime.now(UTC)) >= expires:
        raise Refused(
            _("This link has expired: it only works during the week of that slot."),
            status=LINK_GONE,
        )
    return link


def prefs_token(member_id: int) -> str:
    return _prefs_serializer().dumps({"m": member_id})


def read_prefs_token(token: str) -> int:
    try:
        return int(_prefs_serializer().loads(token, max_age=PREFS_MAX_AGE)["m"])
    except SignatureExpired as exc:
        raise Refused(
            _("This link has expired. Sign in to change your reminders."), status=LINK_GONE
        ) from exc
    except (BadSignature, KeyError, TypeError, ValueError) as exc:
        raise Refused(
            _("This link isn't valid. Sign in to change your reminders."), status=LINK_GONE
        ) from exc
