"""Deleting a household through its page removes every row of it from every table, and
nothing of another household: the test walks the whole schema, following foreign keys
from each table to the household and its members."""

from __future__ import annotations

import copy
import secrets
from datetime import timedelta
from typing import Any

import time_machine
from sqlalchemy import Table, false, or_, select
from sqlalchemy.sql.elements import ColumnElement

from planner.api import tokens
from planner.auth.services import ACCOUNT, ADDRESS, RESET_TARGET
from planner.export import export_household, restore_household
from planner.extensions import db
from planner.household.removal import deletions
from planner.models import (
    FeedToken,
    Household,
    Invite,
    LoginThrottle,
    Member,
    PushSubscription,
    Reminder,
)
from planner.models.feeds import FeedCache
from planner.reminders import outbox
from tests.export_helpers import MOMENT, full_demo
from tests.helpers import body, committing, login

DEMO_PASSWORD = "demo-planner-2026"


def _unexported_rows(household_id: int) -> None:
    """Rows an export leaves out: feed tokens and stored feeds, devices, an invite, a
    notice in the outbox, an API token and sign-in throttles keyed to the members."""
    household = db.session.get(Household, household_id)
    assert household is not None
    first, second = household.members[:2]
    for member_id in (None, first.id):
        token = FeedToken(
            household_id=household_id,
            member_id=member_id,
            token_hash=secrets.token_hex(32),
            nonce=secrets.token_hex(16),
        )
        db.session.add(token)
        db.session.flush()
        db.session.add(
            FeedCache(
                feed_token_id=token.id,
                version=household.version,
                week_start=MOMENT.date(),
                recipe="r",
                etag="e",
                built_at=MOMENT,
                body=b"BEGIN:VCALENDAR",
            )
        )
    db.session.add(
        PushSubscription(
            household_id=household_id,
            member_id=second.id,
            endpoint=f"https://push.example.org/{secrets.token_hex(8)}",
            p256dh="k",
            auth="a",
        )
    )
    db.session.add(
        Invite(
            household_id=household_id,
            invited_by_id=first.id,
            email=f"friend.{household_id}@example.org",
            token_hash=secrets.token_hex(32),
            expires_at=MOMENT + timedelta(days=7),
        )
    )
    payload = {"to": second.email, "subject": "Hello", "text": "Hi", "html": None}
    outbox.queue_notice(outbox.ReminderKind.HANDOVER, second, f"test:{household_id}", payload)
    tokens.create_token(second, "Script", "read")
    for key in (ACCOUNT.key(second.email), RESET_TARGET.key(second.email)):
        db.session.add(LoginThrottle(key=key, failures=1))
    db.session.flush()


def _owned(table: Table, household_id: int, emails: list[str]) -> ColumnElement[bool]:
    """Rows of `table` that refer to the household, directly or through a chain of foreign
    keys (a member, a plan, an item of it, ...)."""
    if table.name == "household":
        return table.c.id == household_id
    if table.name == "login_throttle":  # keyed by text, not a foreign key
        return or_(false(), *(table.c.key.endswith(":" + email) for email in emails))
    conditions = []
    for fk in table.foreign_keys:
        parent = fk.column.table
        conditions.append(
            fk.parent.in_(select(fk.column).where(_owned(parent, household_id, emails)))
        )
    assert conditions, f"{table.name}: the test does not know how its rows name a household"
    return or_(*conditions)


def _key(table: Table, row: Any) -> tuple:
    return tuple(getattr(row, c.name) for c in table.primary_key.columns)


def _rows(table: Table, where: ColumnElement[bool] | None = None) -> dict[tuple, tuple]:
    query = select(table) if where is None else select(table).where(where)
    return {_key(table, row): tuple(row) for row in db.session.execute(query)}


def _snapshot(household_id: int, emails: list[str]) -> dict[str, tuple[set, dict]]:
    """Per table: the keys of the household's rows, and every other row whole."""
    snapshot = {}
    for table in db.metadata.sorted_tables:
        mine = set(_rows(table, _owned(table, household_id, emails)))
        others = {k: v for k, v in _rows(table).items() if k not in mine}
        snapshot[table.name] = (mine, others)
    return snapshot


def _two_busy_households(app) -> tuple[int, int, list[str]]:
    """The demo household with a row in every table, and a copy of it under other emails
    (restored from its export) with the same."""
    with time_machine.travel(MOMENT, tick=True), committing(app):
        demo = full_demo()
        document = copy.deepcopy(export_household(demo.id))
        for member in document["members"]:
            member["email"] = "other-" + member["email"]
        other = restore_household(document)
        db.session.flush()
        _unexported_rows(demo.id)
        _unexported_rows(other.id)
        emails = [m.email for m in demo.members]
        return demo.id, other.id, emails


def test_deleting_a_household_leaves_no_row_of_it_in_any_table(app, client):
    demo_id, other_id, emails = _two_busy_households(app)
    partner = app.test_client()
    for signed_in, email in ((client, emails[0]), (partner, emails[1])):
        assert login(signed_in, email, DEMO_PASSWORD).status_code == 302
    with committing(app):
        db.session.add(LoginThrottle(key=ADDRESS.key("192.0.2.7"), failures=2))  # no one's
        before = _snapshot(demo_id, emails)
        theirs = _snapshot(other_id, ["other-" + e for e in emails])
    for table in db.metadata.sorted_tables:
        assert before[table.name][0], f"the demo household has no row in {table.name}"
        assert theirs[table.name][0], f"the other household has no row in {table.name}"

    page = client.get("/household/delete")
    assert "Delete Demo" in body(page)
    response = client.post("/household/delete", data={"name": "Demo"})
    assert response.status_code == 302

    with committing(app):
        for table in db.metadata.sorted_tables:
            mine, others = before[table.name]
            now = _rows(table)
            left = mine & set(now)
            assert not left, f"{table.name} still holds {len(left)} row(s) of the deleted household"
            assert {k: now.get(k) for k in others} == others, f"{table.name} lost others' rows"
        assert db.session.get(Household, other_id) is not None
        # Every table is deleted from by name: none is left to the database's ON DELETE
        # CASCADE (which SQLite applies only while its foreign keys are switched on).
        named = {statement.table.name for statement in deletions(demo_id)}
        assert named == {table.name for table in db.metadata.sorted_tables}
    # Everyone is signed out: the partner's session on another phone stops at once.
    assert partner.get("/home").status_code == 302
    assert client.get("/home").status_code == 302


def test_a_wrong_name_deletes_nothing(app, client, make):
    made = make("Alex", "Sam", name="Oak Street")
    login(client, made.emails[0])
    for typed in ("oak street", "Oak", "Elm Street"):
        response = client.post("/household/delete", data={"name": typed})
        assert response.status_code == 422
        assert "nothing was deleted" in body(response)
    assert client.post("/household/delete", data={"name": ""}).status_code == 422
    with committing(app):
        assert db.session.get(Household, made.household_id) is not None
    assert client.get("/home").status_code == 200


def test_deleting_twice_does_not_fail(app, client, make):
    made = make("Alex", "Sam", name="Oak Street")
    other = make("Robin")
    login(client, made.emails[0])
    token = client.csrf_token()
    first = client.post("/household/delete", data={"name": "Oak Street", "csrf_token": token})
    again = client.post("/household/delete", data={"name": "Oak Street", "csrf_token": token})
    assert first.status_code == 302
    assert again.status_code < 500
    assert "/login" in again.headers.get("Location", "/login")
    with committing(app):
        assert db.session.get(Household, made.household_id) is None
        assert db.session.get(Household, other.household_id) is not None
        assert db.session.scalar(select(Member.id).where(Member.email == made.emails[1])) is None
        gone = Reminder.household_id == made.household_id
        assert db.session.scalar(select(Reminder.id).where(gone)) is None
