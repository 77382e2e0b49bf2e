"""Shared fixtures: a real SQLite file (or a real PostgreSQL database), a test client,
quick ways to make households, and a real SMTP server on loopback."""

from __future__ import annotations

import os
import secrets
import socket
import threading
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
import time_machine
from sqlalchemy import create_engine, text

from planner import create_app
from planner.extensions import db
from tests.helpers import PASSWORD, BrowserClient, HouseholdMaker

TEST_SECRET = "test-secret-" + "x" * 40


def frozen_now() -> datetime | None:
    """The moment the whole suite runs at when PLANNER_TEST_NOW is set (ISO 8601 with an
    offset, e.g. a Sunday 18:10 UTC when the demo's planning reminder falls due), else None."""
    value = os.environ.get("PLANNER_TEST_NOW")
    return datetime.fromisoformat(value) if value else None


_suite_clock: time_machine.travel | None = None


def pytest_configure(config) -> None:
    """Under PLANNER_TEST_NOW the suite's clock starts there (and ticks on), before any test
    module is imported, so no test can lean on the wall clock's real date or hour."""
    global _suite_clock
    now = frozen_now()
    if now is not None and _suite_clock is None:
        _suite_clock = time_machine.travel(now, tick=True)
        _suite_clock.start()


def pytest_unconfigure(config) -> None:
    global _suite_clock
    if _suite_clock is not None:
        _suite_clock.stop()
        _suite_clock = None


def _pg_admin_url() -> str | None:
    return os.environ.get("PLANNER_TEST_PG_URL")


def make_database(tmp_path_factory, label: str):
    """A fresh, empty database: a new PostgreSQL database when a server is given, else an SQLite file."""
    admin = _pg_admin_url()
    if not admin:
        path = tmp_path_factory.mktemp(label) / f"{label}.sqlite3"
        return f"sqlite:///{path}", lambda: None
    name = f"planner_{label}_{secrets.token_hex(4)}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    return admin.rsplit("/", 1)[0] + f"/{name}", drop


def own_database(kind: str, tmp_path_factory, label: str):
    """A fresh database of the kind asked for: "postgresql" (skipped unless a server is
    given in PLANNER_TEST_PG_URL) or "sqlite"; returns its URL and how to drop it."""
    if kind == "postgresql":
        if not _pg_admin_url():
            pytest.skip("PLANNER_TEST_PG_URL is not set")
        return make_database(tmp_path_factory, label)
    return f"sqlite:///{tmp_path_factory.mktemp(label) / f'{label}.sqlite3'}", lambda: None


def smtp_settings(smtp_server) -> dict:
    """Settings that send through the loopback SMTP server."""
    return {
        "MAIL_BACKEND": "smtp",
        "SMTP_HOST": smtp_server.host,
        "SMTP_PORT": smtp_server.port,
        "SMTP_STARTTLS": False,
        "SMTP_USERNAME": "",
    }


def app_settings(database_url: str, tmp_dir, **overrides) -> dict:
    settings = {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": True,  # tests post the token as a browser does (BrowserClient)
        "MAIL_BACKEND": "file",
        "MAIL_FILE_DIR": str(tmp_dir / "mail"),
        "PLANNER_BASE_URL": "http://planner.test",
        "PLANNER_SCHEDULER": "off",
        "PLANNER_VAPID_PRIVATE_KEY_FILE": str(tmp_dir / "vapid_private.pem"),
    }
    settings.update(overrides)
    return settings


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url, drop = make_database(tmp_path_factory, "suite")
    yield url
    drop()


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app(app_settings(database_url, tmp_path_factory.mktemp("app")))
    app.test_client_class = BrowserClient
    with app.app_context():
        db.create_all()  # tests only; the migration tests prove the migrations build the same
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _empty_tables(request):
    """Each test starts with empty tables (the schema stays)."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make(app) -> HouseholdMaker:
    return HouseholdMaker(app)


@pytest.fixture
def password() -> str:
    return PASSWORD


@dataclass
class SMTPInbox:
    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if address in m["To"]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on loopback that keeps what it receives."""
    from aiosmtpd.controller import Controller

    inbox = SMTPInbox("127.0.0.1", free_port())

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            msg = message_from_bytes(
                envelope.original_content or envelope.content, policy=policy.default
            )
            with inbox.lock:
                inbox.messages.append(msg)
            return "250 OK"

    controller = Controller(Handler(), hostname=inbox.host, port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()


@pytest.fixture
def smtp_app(app, smtp_server):
    """The suite's app, sending through the loopback SMTP server for one test."""
    smtp = smtp_settings(smtp_server)
    saved = {k: app.config[k] for k in smtp}
    app.config.update(smtp)
    yield app
    app.config.update(saved)


@pytest.fixture
def push_service():
    """A push service on loopback that decrypts what it receives (tests/push_service.py)."""
    from tests.push_service import start_push_service

    service, server, thread = start_push_service()
    yield service
    server.shutdown()
    thread.join(5)
    server.server_close()
    assert not service.problems, service.problems


@pytest.fixture
def push_app(smtp_app, push_service):
    """The suite's app, sending email to the loopback SMTP server and accepting devices whose
    push service is the loopback one."""
    smtp_app.config["PLANNER_PUSH_ALLOW_LOOPBACK"] = True
    yield smtp_app
    smtp_app.config["PLANNER_PUSH_ALLOW_LOOPBACK"] = False
