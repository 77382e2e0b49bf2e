"""A push service on loopback, as a browser's push service would be: it receives what
pywebpush POSTs (RFC 8030), checks the VAPID signature (RFC 8292) and decrypts the message
with the subscription's own keys (RFC 8291, aes128gcm) — the keys a browser would make,
made here with cryptography — and answers 201, or whatever a test scripts (410, 500…)."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """One browser's subscription: the endpoint and the keys only the browser holds."""

    name: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes

    @property
    def p256dh(self) -> str:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(point)

    def subscription(self) -> dict:
        """What PushSubscription.toJSON() gives in a browser."""
        return {
            "endpoint": self.endpoint,
            "keys": {"p256dh": self.p256dh, "auth": b64url(self.auth)},
        }


@dataclass
class Received:
    name: str
    payload: dict
    ttl: int
    claims: dict
    vapid_key: str


def verify_vapid(header: str, audience: str) -> tuple[dict, str]:
    """The claims of a `vapid t=…, k=…` Authorization header, its signature checked."""
    assert header.startswith("vapid "), header
    parts = dict(p.strip().split("=", 1) for p in header[len("vapid ") :].split(","))
    token, key = parts["t"], parts["k"]
    signed, _, signature = token.rpartition(".")
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
    raw = unb64url(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public.verify(der, signed.encode(), ec.ECDSA(hashes.SHA256()))  # raises when forged
    claims = json.loads(unb64url(signed.split(".")[1]))
    assert claims["aud"] == audience, claims
    assert claims["exp"] > time.time()
    assert claims["sub"].startswith("mailto:")
    return claims, key


@dataclass
class PushService:
    host: str = "127.0.0.1"
    port: int = 0
    browsers: dict[str, Browser] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    answers: dict[str, deque] = field(default_factory=lambda: defaultdict(deque))
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def browser(self, name: str) -> Browser:
        made = Browser(
            name,
            f"{self.origin}/push/{name}",
            ec.generate_private_key(ec.SECP256R1()),
            os.urandom(16),
        )
        self.browsers[name] = made
        return made

    def answer(self, name: str, *statuses: int) -> None:
        """The next answers for this browser's endpoint (then 201 again)."""
        with self.lock:
            self.answers[name].extend(statuses)

    def to(self, name: str) -> list[dict]:
        with self.lock:
            return [r.payload for r in self.received if r.name == name]

    def handle(self, name: str, headers, body: bytes) -> int:
        with self.lock:
            status = self.answers[name].popleft() if self.answers[name] else 201
        browser = self.browsers.get(name)
        if browser is None:
            return 404
        try:
            assert headers["Content-Encoding"] == "aes128gcm", headers["Content-Encoding"]
            claims, key = verify_vapid(headers["Authorization"], self.origin)
            plain = http_ece.decrypt(
                body, private_key=browser.private_key, auth_secret=browser.auth, version="aes128gcm"
            )
            payload = json.loads(plain)
        except Exception as exc:  # recorded: the test fails on it, not this thread
            with self.lock:
                self.problems.append(f"{name}: {type(exc).__name__}: {exc}")
            return 400
        if status < 300:
            with self.lock:
                self.received.append(Received(name, payload, int(headers["TTL"]), claims, key))
        return status


def start_push_service() -> tuple[PushService, ThreadingHTTPServer, threading.Thread]:
    service = PushService()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            name = self.path.rsplit("/", 1)[-1]
            status = service.handle(name, self.headers, body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer((service.host, 0), Handler)
    service.port = server.server_port
    thread = threading.Thread(target=server.serve_forever, name="push-service", daemon=True)
    thread.start()
    return service, server, thread
