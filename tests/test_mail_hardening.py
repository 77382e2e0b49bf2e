"""Email hardening, against real aiosmtpd servers on loopback: one message that cannot be
built or sent fails alone; internationalised addresses go with SMTPUTF8 (or fail clearly);
domains travel as xn--; List-Unsubscribe is a plain URL that honours RFC 8058 one-click;
addresses no server has to accept are refused where they are typed."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
import time_machine
from aiosmtpd.controller import Controller
from sqlalchemy import func, select, text, update

from planner import create_app
from planner.domain.vocabulary import ReminderKind, ReminderState
from planner.extensions import db
from planner.models import Household, Invite, Member, Reminder
from planner.reminders import emails, links, outbox
from planner.reminders.sender import send_due
from tests.conftest import app_settings, free_port
from tests.helpers import PASSWORD, body, committing, login

# A Sunday evening in winter: London is on UTC. Planning is at 19:00, reminders an hour
# ahead, so every household's planning reminder is due at 18:00.
SUNDAY_EVENING = datetime(2026, 1, 11, 18, 0, 30, tzinfo=UTC)
WEEKDAY_NOON = datetime(2026, 6, 10, 12, tzinfo=UTC)  # queued rows fall due just before it
JOSE = "jösé@example.com"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    smtputf8: bool

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.SMTPUTF8)  # type: ignore[return-value]


@dataclass
class Server:
    host: str
    port: int
    received: list[Received] = field(default_factory=list)
    refuse_with_421: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if address in r.rcpt_tos]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse_with_421:
            return "421 4.3.2 Service shutting down"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append(
                Received(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    envelope.original_content or envelope.content,
                    envelope.smtp_utf8,
                )
            )
        return "250 OK"


@contextmanager
def smtp_server(app, smtputf8: bool) -> Iterator[Server]:
    """A real SMTP server on loopback, with or without SMTPUTF8, that `app` sends through."""
    server = Server("127.0.0.1", free_port())
    controller = Controller(
        server, hostname=server.host, port=server.port, enable_SMTPUTF8=smtputf8
    )
    controller.start()
    keys = ("MAIL_BACKEND", "SMTP_HOST", "SMTP_PORT", "SMTP_STARTTLS", "SMTP_USERNAME")
    saved = {k: app.config[k] for k in keys}
    app.config.update(
        MAIL_BACKEND="smtp",
        SMTP_HOST=server.host,
        SMTP_PORT=server.port,
        SMTP_STARTTLS=False,
        SMTP_USERNAME="",
    )
    try:
        yield server
    finally:
        app.config.update(saved)
        controller.stop()


@pytest.fixture
def plain_smtp(app) -> Iterator[Server]:
    with smtp_server(app, smtputf8=False) as server:
        yield server


@pytest.fixture
def utf8_smtp(app) -> Iterator[Server]:
    with smtp_server(app, smtputf8=True) as server:
        yield server


@pytest.fixture
def csrf_app(database_url, tmp_path, app):
    # Same database as the suite's app (its schema exists); CSRF switched on.
    return create_app(app_settings(database_url, tmp_path, WTF_CSRF_ENABLED=True))


@pytest.fixture
def sunday_evening():
    with time_machine.travel(SUNDAY_EVENING, tick=True) as traveller:
        yield traveller


def signup(client, email: str, name: str = "José"):
    data = {
        "household_name": f"{name}'s",
        "display_name": name,
        "email": email,
        "password": PASSWORD,
        "timezone": "Europe/London",
    }
    return client.post("/signup", data=data)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def _fifty_and_jose(app, make, client) -> int:
    """25 two-member households and José (signed up as jösé@…, signed in on `client`),
    whose planning reminder is due a minute before everyone else's: 51 due reminders."""
    for _ in range(25):
        make("Alex", "Sam")
    assert signup(client, JOSE).status_code == 302
    with committing(app):
        jose = db.session.scalar(select(Member).where(Member.email == JOSE))
        assert jose is not None  # sign-up takes internationalised addresses
        jose.household.planning_time = time(18, 59)
        db.session.commit()  # the reminders follow before the commit
        due = select(func.count(Reminder.id)).where(Reminder.due_at <= SUNDAY_EVENING)
        assert db.session.scalar(due) == 51
        return jose.id


def _states(app, *kinds: ReminderKind) -> dict[str, int]:
    with committing(app):
        counted = select(Reminder.state, func.count()).group_by(Reminder.state)
        if kinds:
            counted = counted.where(Reminder.kind.in_(kinds))
        return {str(state): n for state, n in db.session.execute(counted)}


def test_an_address_the_server_cannot_take_fails_alone(
    app, make, client, plain_smtp, sunday_evening
):
    jose_id = _fifty_and_jose(app, make, client)
    with app.app_context():
        outcome = send_due()
    assert (outcome.sent, outcome.failed) == (50, 1)
    assert len(plain_smtp.received) == 50 and not plain_smtp.to(JOSE)
    states = _states(app)
    assert states.get(ReminderState.SENDING.value, 0) == 0
    assert states[ReminderState.SENT.value] == 50
    assert states[ReminderState.FAILED.value] == 1
    with committing(app):
        failed = db.session.scalar(select(Reminder).where(Reminder.state == ReminderState.FAILED))
        assert failed.member_id == jose_id
        assert "cannot deliver to internationalised addresses" in failed.last_error
    page = body(client.get("/reminders"))  # José is signed in: his household's page
    assert "cannot deliver to internationalised addresses" in page
    with app.app_context():
        again = send_due()  # nothing due comes back, nothing crashes
    assert (again.sent, again.failed) == (0, 0)


def test_a_server_with_smtputf8_gets_all_and_the_utf8_recipient(
    app, make, client, utf8_smtp, sunday_evening
):
    _fifty_and_jose(app, make, client)
    with app.app_context():
        outcome = send_due()
    assert (outcome.sent, outcome.failed) == (51, 0)
    assert _states(app).get(ReminderState.SENT.value) == 51
    (jose,) = utf8_smtp.to(JOSE)
    assert jose.rcpt_tos == [JOSE] and jose.smtputf8
    assert f"To: {JOSE}\r\n".encode() in jose.data  # UTF-8 as it stands, not an encoded-word
    assert jose.message["To"] == JOSE
    others = [r for r in utf8_smtp.received if r is not jose]
    assert len(others) == 50 and not any(r.smtputf8 for r in others)


def test_an_international_domain_travels_as_xn(app, client, make, plain_smtp, sunday_evening):
    made = make("Alex", "Sam")
    login(client, made.emails[1])
    profile = {"display_name": "Sam", "email": "Sam@MÜNCHEN.de", "colour": "#3d7ea6"}
    assert client.post("/profile", data=profile).status_code == 302
    with committing(app):
        assert db.session.get(Member, made.member_ids[1]).email == "sam@münchen.de"
    with app.app_context():
        outcome = send_due()
    assert (outcome.sent, outcome.failed) == (2, 0)
    (sam,) = plain_smtp.to("sam@xn--mnchen-3ya.de")
    assert b"To: sam@xn--mnchen-3ya.de\r\n" in sam.data and not sam.smtputf8


def _queue(app, member_id: int, key: str, due: datetime) -> int:
    with committing(app):
        member = db.session.get(Member, member_id)
        payload = emails.test_payload(member.email)
        row = outbox.row_values(ReminderKind.HANDOVER, member, key, due, payload)
        outbox.insert_rows([row])
        return db.session.scalar(select(Reminder.id).where(Reminder.occurrence_key == key))


@time_machine.travel(WEEKDAY_NOON, tick=True)
def test_a_corrupt_row_fails_alone_and_shows_on_the_page(app, client, make, plain_smtp):
    made = make("Alex", "Sam")
    now = datetime.now(UTC)
    ids = [
        _queue(app, made.member_ids[i % 2], f"k{i}", now - timedelta(minutes=9 - i))
        for i in range(5)
    ]
    with committing(app):
        broken = {"to": made.emails[1], "subject": "Half a payload"}  # no message, no text
        for row_id, payload in ((ids[1], broken), (ids[2], ["not", "an", "email"])):
            db.session.execute(
                update(Reminder).where(Reminder.id == row_id).values(payload=payload)
            )
    with app.app_context():
        outcome = send_due()
    assert (outcome.sent, outcome.failed) == (3, 2)
    assert len(plain_smtp.received) == 3
    with committing(app):
        rows = {r.id: r for r in db.session.scalars(select(Reminder))}
        assert [rows[i].state for i in ids] == ["sent", "failed", "failed", "sent", "sent"]
        for i in ids[1:3]:
            assert "could not be built" in rows[i].last_error
            assert rows[i].next_attempt_at is None  # trying again cannot help
    login(client, made.emails[0])
    page = client.get("/reminders")
    assert page.status_code == 200 and body(page).count("could not be built") == 2


@time_machine.travel(WEEKDAY_NOON, tick=True)
def test_an_unreadable_payload_fails_alone(app, make, plain_smtp):
    made = make("Alex", "Sam")
    now = datetime.now(UTC)
    ids = [
        _queue(app, made.member_ids[0], f"k{i}", now - timedelta(minutes=5 - i)) for i in range(3)
    ]
    with committing(app):
        if db.session.get_bind().dialect.name != "sqlite":
            pytest.skip("only SQLite stores JSON as text that could be damaged")
        db.session.execute(
            text("UPDATE reminder SET payload = '{\"to\": broken' WHERE id = :id"), {"id": ids[1]}
        )
    with app.app_context():
        outcome = send_due()
    assert (outcome.sent, outcome.failed) == (2, 1)
    assert _states(app, ReminderKind.HANDOVER) == {"sent": 2, "failed": 1}


@time_machine.travel(WEEKDAY_NOON, tick=True)
def test_a_poison_message_fails_alone_and_a_broken_connection_hands_the_rest_back(
    app, client, make, plain_smtp
):
    made = make("Alex", "Sam")
    assert signup(client, JOSE).status_code == 302
    with committing(app):
        jose_id = db.session.scalar(select(Member.id).where(Member.email == JOSE))
    now = datetime.now(UTC)
    order = [jose_id, made.member_ids[0], made.member_ids[1], made.member_ids[0], jose_id]
    ids = [_queue(app, m, f"k{i}", now - timedelta(minutes=9 - i)) for i, m in enumerate(order)]
    plain_smtp.refuse_with_421.add(made.emails[1])  # the server hangs up at the third
    with app.app_context():
        outcome = send_due()
    assert (outcome.sent, outcome.failed) == (1, 2)
    with committing(app):
        rows = {r.id: r for r in db.session.scalars(select(Reminder))}
        assert [rows[i].state for i in ids] == ["failed", "sent", "failed", "pending", "pending"]
        assert "internationalised" in rows[ids[0]].last_error
        assert "421" in rows[ids[2]].last_error and rows[ids[2]].next_attempt_at is not None
        assert [rows[i].attempts for i in ids[3:]] == [0, 0]  # handed back untried


def test_an_invite_to_an_address_the_server_cannot_take_is_still_saved(
    app, client, make, plain_smtp
):
    made = make("Alex")
    login(client, made.emails[0])
    response = client.post("/household/invites", data={"email": JOSE})
    assert response.status_code == 200 and "/join/" in body(response)
    with committing(app):
        assert db.session.scalar(select(Invite.email)) == JOSE
    assert not plain_smtp.received


def _one_click_link(server: Server, address: str) -> str:
    (received,) = server.to(address)
    head = received.data.split(b"\r\n\r\n", 1)[0].decode()
    (line,) = [h for h in head.split("\r\n") if h.lower().startswith("list-unsubscribe:")]
    match = re.fullmatch(r"List-Unsubscribe: <(https?://[^>\s]+)>", line)
    assert match, line  # one plain line: a URL in angle brackets, no encoded-word
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in head.split("\r\n")
    return match.group(1)


def test_list_unsubscribe_one_click_turns_that_members_reminders_off(
    csrf_app, make, sunday_evening
):
    made = make("Alex", "Sam")
    with smtp_server(csrf_app, smtputf8=False) as server, csrf_app.app_context():
        assert send_due().sent == 2
        link = _one_click_link(server, made.emails[0])
    assert link.startswith("http://planner.test/reminders/preferences?token=")
    client = csrf_app.test_client()  # a mail provider: no session, no CSRF token
    response = client.post(_path(link), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "Reminders turned off" in body(response)
    with committing(csrf_app):
        alex, sam = (db.session.get(Member, i) for i in made.member_ids)
        assert (alex.selfcare_reminder_minutes, alex.planning_reminder_minutes) == (None, None)
        assert (sam.selfcare_reminder_minutes, sam.planning_reminder_minutes) == (30, 60)
        pending = select(Reminder.member_id).where(Reminder.state == ReminderState.PENDING)
        assert set(db.session.scalars(pending)) == {made.member_ids[1]}
    assert client.get("/reminders").status_code == 302  # it signed nobody in


@time_machine.travel(WEEKDAY_NOON, tick=True)
def test_one_click_with_a_bad_or_expired_link_is_410(csrf_app, make):
    made = make("Alex")
    client = csrf_app.test_client()
    one_click = {"List-Unsubscribe": "One-Click"}
    forged = client.post("/reminders/preferences?token=forged", data=one_click)
    assert forged.status_code == 410 and "isn't valid" in body(forged)
    with csrf_app.app_context():
        token = links.prefs_token(made.member_ids[0])
    with time_machine.travel(datetime.now(UTC) + timedelta(days=121)):
        old = client.post(f"/reminders/preferences?token={token}", data=one_click)
    assert old.status_code == 410 and "expired" in body(old)
    with committing(csrf_app):
        alex = db.session.get(Member, made.member_ids[0])
        assert (alex.selfcare_reminder_minutes, alex.planning_reminder_minutes) == (30, 60)


def test_only_the_one_click_post_goes_without_a_csrf_token(csrf_app, make):
    made = make("Alex")
    client = csrf_app.test_client()
    with csrf_app.app_context():
        token = links.prefs_token(made.member_ids[0])
    one_click = {"List-Unsubscribe": "One-Click"}
    refused = []
    for rule in csrf_app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            continue  # takes a bearer token, never the cookie: nothing to forge (test_csrf)
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            url = rule.build({name: 1 for name in rule.arguments})[1]
            for query in ("", f"?token={token}"):
                response = client.open(url + query, method=method, data=one_click)
                if response.status_code != 400 or "expired" not in body(response):
                    refused.append((method, url + query, response.status_code))
    # Every state-changing route wants its token, but one: the one-click link itself.
    assert refused == [("POST", f"/reminders/preferences?token={token}", 200)]
    # The preferences form posted to that same link still needs its token.
    form = {"selfcare": "off", "planning": "off"}
    with committing(csrf_app):
        db.session.execute(update(Member).values(selfcare_reminder_minutes=30))
    forged = client.post(f"/reminders/preferences?token={token}", data=form)
    assert forged.status_code == 400
    with committing(csrf_app):
        assert db.session.get(Member, made.member_ids[0]).selfcare_reminder_minutes == 30


UNDELIVERABLE = [
    ("x" * 65 + "@example.com", "too long"),  # RFC 5321: 64 octets before the @
    ("ö" * 33 + "@example.com", "too long"),  # 33 letters, 66 octets
]


@pytest.mark.parametrize(("address", "message"), UNDELIVERABLE)
def test_signup_refuses_an_address_no_server_has_to_accept(app, client, address, message):
    response = signup(client, address)
    assert response.status_code == 422 and message in body(response)
    with committing(app):
        assert db.session.scalar(select(func.count(Member.id))) == 0
        assert db.session.scalar(select(func.count(Household.id))) == 0


@pytest.mark.parametrize(("address", "message"), UNDELIVERABLE)
def test_profile_and_invite_refuse_an_address_no_server_has_to_accept(
    app, client, make, address, message
):
    made = make("Alex")
    login(client, made.emails[0])
    profile = {"display_name": "Alex", "email": address, "colour": "#3d7ea6"}
    response = client.post("/profile", data=profile)
    assert response.status_code == 422 and message in body(response)
    invite = client.post("/household/invites", data={"email": address})
    assert invite.status_code == 422 and message in body(invite)
    with committing(app):
        assert db.session.get(Member, made.member_ids[0]).email == made.emails[0]
        assert db.session.scalar(select(func.count(Invite.id))) == 0


def test_addresses_are_kept_in_their_normal_form(app, client):
    decomposed = "jose\u0301@example.com"  # é as e + combining accent: the same mailbox
    assert signup(client, decomposed).status_code == 302
    with committing(app):
        assert db.session.scalar(select(Member.email)) == "jos\u00e9@example.com"
    other = app.test_client()
    again = signup(other, "JOS\u00c9@example.com", name="Twin")
    assert again.status_code == 422 and "already has an account" in body(again)
