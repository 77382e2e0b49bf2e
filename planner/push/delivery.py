"""Handing one notification to one device's push service (RFC 8030), encrypted to the
device's keys (RFC 8291, aes128gcm) and signed with the app's VAPID key (RFC 8292)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import requests
from flask import current_app
from pywebpush import WebPushException, webpush

from planner.push import vapid


@dataclass(frozen=True)
class Device:
    id: int
    endpoint: str
    p256dh: str
    auth: str


class Gone(Exception):
    """The push service says this subscription no longer exists (404 or 410)."""


class PushFailed(Exception):
    """This attempt failed; the same message may be tried again later."""


def deliver(device: Device, payload: dict, ttl: int, session: requests.Session) -> None:
    """Send one notification; raises Gone or PushFailed."""
    try:
        webpush(
            {"endpoint": device.endpoint, "keys": {"p256dh": device.p256dh, "auth": device.auth}},
            data=json.dumps(payload, separators=(",", ":")),
            vapid_private_key=vapid.keys(),
            vapid_claims={"sub": vapid.subject()},  # a new dict: webpush() writes into it
            ttl=max(ttl, 0),
            timeout=float(current_app.config.get("PLANNER_PUSH_TIMEOUT", 10)),
            requests_session=session,
        )
    except WebPushException as exc:
        response = exc.response
        status = response.status_code if response is not None else None
        if status in (404, 410):
            raise Gone(f"The push service answered {status}: notifications are off there.") from exc
        reason = f"{status} {response.reason}" if response is not None else str(exc)
        raise PushFailed(f"The push service answered {reason}.") from exc
    except requests.RequestException as exc:
        raise PushFailed(f"The push service could not be reached: {exc}") from exc
