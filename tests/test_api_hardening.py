"""The API holds under what pages never send: deeply nested JSON, an empty version, a token
revoked or removed while its request is being checked, a writer holding SQLite's lock; and
its refusals name the field at fault with a true message."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, update

from planner.extensions import db
from planner.household.removal import delete_household
from planner.models import ApiToken, Household, Responsibility
from tests import api_helpers
from tests.api_helpers import bearer, is_error, make_token
from tests.helpers import committing

REVOKED_AT = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SLOT = {"title": "Run", "weekday": 3, "start_time": "18:30", "minutes": 60}
RESPONSIBILITY = {
    "title": "Bins out",
    "cadence_kind": "weekly",
    "weekdays": [3],
    "starts_on": "2026-11-23",
    "effort_minutes": 10,
}

home = api_helpers.home  # the shared fixtures
wednesday = api_helpers.wednesday


@pytest.fixture
def as_in_production(app):
    """Unhandled exceptions become the 500 handler's answer instead of raising in the test."""
    before = app.config.get("PROPAGATE_EXCEPTIONS")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        yield
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = before


def _area(app, household_id: int) -> int:
    from planner.inventory.services import ensure_areas

    with committing(app):
        return ensure_areas(db.session.get(Household, household_id))[0].id


def test_deeply_nested_json_is_422_not_500(app, client, home, as_in_production):
    """json.loads raises RecursionError (not ValueError) past ~1000 levels; 64 KiB holds
    30 000. Flask's get_json(silent=True) only swallows ValueError."""
    auth = bearer(make_token(app, home.member_ids[0]))
    deep = "[" * 30_000 + "]" * 30_000
    response = client.post(
        "/api/v1/checkins", data=deep, headers=auth, content_type="application/json"
    )
    assert is_error(response, 422, "invalid"), response.status_code


def test_an_empty_version_does_not_skip_the_stale_check(app, client, home, wednesday):
    """save_responsibility treats a falsy base as "no base": `"version": ""` overwrites a
    partner's change silently, though the API says version is required and stale is 409."""
    alex = bearer(make_token(app, home.member_ids[0]))
    sam = bearer(make_token(app, home.member_ids[1]))
    area_id = _area(app, home.household_id)
    r = client.post(
        "/api/v1/responsibilities", json={**RESPONSIBILITY, "area_id": area_id}, headers=alex
    ).get_json()
    url = f"/api/v1/responsibilities/{r['id']}"
    changed = client.patch(url, json={"version": r["version"], "title": "Recycling"}, headers=sam)
    assert changed.status_code == 200
    blind = client.patch(url, json={"version": "", "title": "Bins and glass"}, headers=alex)
    assert blind.status_code in (409, 422), blind.get_json()
    with app.app_context():
        assert db.session.get(Responsibility, r["id"]).title == "Recycling"


def test_a_stale_edit_names_the_version_field_as_the_docs_say(app, client, home):
    """docs/api.md: {"error": {"code": "conflict", …, "field": "version"}}."""
    auth = bearer(make_token(app, home.member_ids[0]))
    slot = client.post("/api/v1/selfcare/slots", json=SLOT, headers=auth).get_json()
    url = f"/api/v1/selfcare/slots/{slot['id']}"
    assert (
        client.patch(
            url, json={"version": slot["version"], "minutes": 45}, headers=auth
        ).status_code
        == 200
    )
    stale = client.patch(url, json={"version": slot["version"], "minutes": 30}, headers=auth)
    assert is_error(stale, 409, "conflict")
    assert stale.get_json()["error"].get("field") == "version"


def test_a_partners_slot_is_refused_with_a_true_message(app, client, home):
    """A read-write token editing a partner's slot gets 403 with "This token may only read."."""
    alex = bearer(make_token(app, home.member_ids[0]))
    sam = bearer(make_token(app, home.member_ids[1]))
    slot = client.post("/api/v1/selfcare/slots", json=SLOT, headers=alex).get_json()
    response = client.post(f"/api/v1/selfcare/slots/{slot['id']}/archive", headers=sam)
    assert is_error(response, 403, "forbidden")
    assert "only read" not in response.get_json()["error"]["message"]


def test_a_refused_edit_names_a_request_field(app, client, home, wednesday):
    """PATCH's cross-field problem is raised with field = text before ':' — for some
    messages that is the whole sentence, not a field name."""
    auth = bearer(make_token(app, home.member_ids[0]))
    area_id = _area(app, home.household_id)
    r = client.post(
        "/api/v1/responsibilities", json={**RESPONSIBILITY, "area_id": area_id}, headers=auth
    ).get_json()
    response = client.patch(
        f"/api/v1/responsibilities/{r['id']}",
        json={"version": r["version"], "weekdays": [9]},
        headers=auth,
    )
    assert is_error(response, 422, "invalid")
    assert response.get_json()["error"]["field"] == "weekdays"


class _BeforeTheCount:
    """Runs `meanwhile` on another connection, committed, just before the request counts
    its token: after the token was read and checked, before anything else."""

    def __init__(self, app, meanwhile):
        with app.app_context():
            self.engine = db.engine
        self.meanwhile, self.done = meanwhile, False

    def _before(self, conn, cursor, statement, *args):
        if not self.done and statement.lstrip().upper().startswith("UPDATE API_TOKEN"):
            self.done = True
            with self.engine.begin() as other:  # a new connection: the pool's next one
                self.meanwhile(other)

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._before)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._before)


def test_a_token_revoked_while_its_request_is_checked_stops_that_request(app, client, home):
    secret = make_token(app, home.member_ids[0])
    revoke = _BeforeTheCount(
        app, lambda c: c.execute(update(ApiToken).values(revoked_at=REVOKED_AT))
    )
    with revoke:
        slot = client.post("/api/v1/selfcare/slots", json=SLOT, headers=bearer(secret))
    assert revoke.done
    assert is_error(slot, 401, "unauthorized"), slot.status_code
    with committing(app):
        assert not db.session.scalars(
            db.select(ApiToken.id).where(ApiToken.last_used_at.is_not(None))
        ).all()


def test_a_token_removed_while_its_request_is_checked_stops_that_request(app, client, home):
    secret = make_token(app, home.member_ids[0])
    gone = _BeforeTheCount(app, lambda c: c.execute(ApiToken.__table__.delete()))
    with gone:
        response = client.get("/api/v1/household", headers=bearer(secret))
    assert gone.done
    assert is_error(response, 401, "unauthorized"), response.status_code


def test_a_token_stops_with_its_household(app, client, home):
    secret = make_token(app, home.member_ids[0])
    with committing(app):
        delete_household(db.session.get(Household, home.household_id))
    assert is_error(client.get("/api/v1/household", headers=bearer(secret)), 401, "unauthorized")


def test_a_read_on_sqlite_does_not_wait_for_a_partners_save(app, home, database_url):
    """Counting is a write: on SQLite, while another writer holds the lock, the request
    goes uncounted after a short wait instead of waiting out the busy timeout."""
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite only: PostgreSQL counts alongside other writers")
    auth = bearer(make_token(app, home.member_ids[0]))
    writer = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # a partner's save under way
    answers: list = []
    thread = threading.Thread(
        target=lambda: answers.append(app.test_client().get("/api/v1/household", headers=auth))
    )
    try:
        thread.start()
        thread.join(5)  # the busy timeout is 15 s: only a short wait ends within this
        finished_while_locked = not thread.is_alive()
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        thread.join(30)
    assert finished_while_locked
    assert answers[0].status_code == 200
