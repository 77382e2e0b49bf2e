"""The app's VAPID key pair: made on first use and kept in the instance folder (or where
PLANNER_VAPID_PRIVATE_KEY_FILE says), so every process and restart signs with one key.

Browsers tie a subscription to the public key it was made with: a new key pair means every
device has to turn notifications on again, so the file is never replaced once written.
"""

from __future__ import annotations

import base64
import contextlib
import os
import threading
from email.utils import parseaddr
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from flask import current_app
from py_vapid import Vapid

_lock = threading.Lock()
_loaded: dict[str, Vapid] = {}


def key_file() -> Path:
    return Path(current_app.config["PLANNER_VAPID_PRIVATE_KEY_FILE"])


def _create(path: Path) -> None:
    """Write a new private key, atomically: two processes starting at once both end up
    with the first one's key (a hard link never replaces an existing file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = Vapid()
    fresh.generate_keys()
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(fresh.private_pem())
        with contextlib.suppress(FileExistsError):  # another process was first: its key it is
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def keys() -> Vapid:
    """The key pair, made the first time it is needed."""
    path = key_file()
    with _lock:
        cached = _loaded.get(str(path))
        if cached is not None:
            return cached
        if not path.exists():
            _create(path)
        loaded = Vapid.from_file(str(path))
        _loaded[str(path)] = loaded
        return loaded


def public_key() -> str:
    """The public key as browsers want it for `applicationServerKey` (base64url, no padding,
    the uncompressed P-256 point)."""
    raw = keys().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def subject() -> str:
    """Who runs this server, for push services to contact: PLANNER_VAPID_SUBJECT, else the
    address emails come from."""
    configured = current_app.config.get("PLANNER_VAPID_SUBJECT") or ""
    if configured:
        return configured
    address = parseaddr(current_app.config.get("MAIL_FROM", ""))[1] or "planner@localhost"
    return f"mailto:{address}"
