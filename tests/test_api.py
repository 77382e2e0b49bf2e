"""The JSON API: tokens, the gate before every view, errors, and each endpoint's happy path
through the same services as the pages."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from sqlalchemy import select

from planner.domain.vocabulary import OccurrenceState
from planner.extensions import db
from planner.models import ApiToken, PlanOccurrence, Responsibility, SelfCareSlot
from planner.tokens import hash_token
from tests import api_helpers
from tests.api_helpers import bearer, is_error, make_token
from tests.handover_helpers import agreed_week
from tests.helpers import body, login

home = api_helpers.home  # the shared fixtures
wednesday = api_helpers.wednesday


def test_a_token_is_made_shown_once_stored_hashed_listed_and_revoked(app, client, home):
    login(client, home.emails[0])
    assert "API tokens" in body(client.get("/profile"))
    made = client.post("/profile/tokens", data={"name": "Home Assistant", "scope": "read"})
    assert made.status_code == 200
    page = body(made)
    secret = page.split('id="token-secret" type="text" readonly value="')[1].split('"')[0]
    assert secret.startswith("pat_") and len(secret) > 40
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
        assert token.token_hash == hash_token(secret) and secret not in repr(vars(token))
        token_id = token.id
    listed = body(client.get("/profile/tokens"))
    assert "Home Assistant" in listed and secret not in listed  # shown that once only
    assert client.get("/api/v1/household", headers=bearer(secret)).status_code == 200
    revoked = client.post(f"/profile/tokens/{token_id}/revoke")
    assert revoked.status_code == 302
    assert "revoked" in body(client.get("/profile/tokens"))
    assert is_error(client.get("/api/v1/household", headers=bearer(secret)), 401, "unauthorized")


def test_a_token_form_with_no_name_says_so_and_makes_nothing(app, client, home):
    login(client, home.emails[0])
    response = client.post("/profile/tokens", data={"name": "  ", "scope": "read"})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(ApiToken)) is None


def test_a_partners_token_cannot_be_revoked_by_the_other(app, client, home):
    make_token(app, home.member_ids[1])
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    login(client, home.emails[0])
    assert client.post(f"/profile/tokens/{token_id}/revoke").status_code == 404
    with app.app_context():
        assert db.session.get(ApiToken, token_id).revoked_at is None


def test_the_session_cookie_alone_is_never_accepted(client, home):
    login(client, home.emails[0])
    assert client.get("/home").status_code == 200  # signed in for the pages
    assert is_error(client.get("/api/v1/household"), 401, "unauthorized")
    response = client.post("/api/v1/selfcare/slots", json={})
    assert is_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_or_malformed_token_is_401(app, client, home):
    secret = make_token(app, home.member_ids[0])
    for header in (f"Bearer {secret}x", f"Basic {secret}", "Bearer ", secret):
        response = client.get("/api/v1/household", headers={"Authorization": header})
        assert is_error(response, 401, "unauthorized"), header


def test_a_read_token_cannot_write(app, client, home):
    secret = make_token(app, home.member_ids[0], scope="read")
    assert client.get("/api/v1/selfcare", headers=bearer(secret)).status_code == 200
    slot = {"title": "Run", "weekday": 1, "start_time": "18:30", "minutes": 60}
    response = client.post("/api/v1/selfcare/slots", json=slot, headers=bearer(secret))
    assert is_error(response, 403, "forbidden")
    with app.app_context():
        assert db.session.scalar(select(SelfCareSlot)) is None


def test_the_household_and_its_members(app, client, home):
    secret = make_token(app, home.member_ids[1])
    data = client.get("/api/v1/household", headers=bearer(secret)).get_json()
    assert data["id"] == home.household_id
    assert [(m["display_name"], m["you"]) for m in data["members"]] == [
        ("Alex", False),
        ("Sam", True),
    ]
    assert "email" not in data["members"][0]


def test_errors_are_json_of_one_shape(app, client, home):
    secret = make_token(app, home.member_ids[0])
    auth = bearer(secret)
    assert is_error(client.get("/api/v1/nothing-here", headers=auth), 404, "not_found")
    assert is_error(client.get("/api/v1/occurrences/999999", headers=auth), 404, "not_found")
    gone = client.delete("/api/v1/household", headers=auth)
    assert is_error(gone, 405, "method_not_allowed") and "GET" in gone.headers["Allow"]
    big = client.post(
        "/api/v1/checkins",
        data=b"{" + b" " * 70_000 + b"}",
        headers=auth,
        content_type="application/json",
    )
    assert is_error(big, 413, "too_large")
    form = client.post("/api/v1/checkins", data={"state": "okay"}, headers=auth)
    assert is_error(form, 415, "unsupported_media_type")


def test_bad_json_and_bad_types_are_422_and_change_nothing(app, client, home):
    auth = bearer(make_token(app, home.member_ids[0]))
    broken = client.post(
        "/api/v1/selfcare/slots", data="{not json", headers=auth, content_type="application/json"
    )
    assert is_error(broken, 422, "invalid")
    for bad in (
        {"title": "Run", "weekday": "Tuesday", "start_time": "18:30", "minutes": 60},
        {"title": "Run", "weekday": 1, "start_time": "18:30", "minutes": 5},
        {"title": "   ", "weekday": 1, "start_time": "18:30", "minutes": 60},
        {"title": "Run", "weekday": 1, "start_time": "18:30+02:00", "minutes": 60},
        {"title": "Run", "weekday": 1, "start_time": "18:30", "minutes": 60, "extra": 1},
        ["not", "an", "object"],
    ):
        response = client.post("/api/v1/selfcare/slots", json=bad, headers=auth)
        assert is_error(response, 422, "invalid"), bad
    typed = client.post(
        "/api/v1/selfcare/slots",
        json={"title": "Run", "weekday": "x", "start_time": "18:30", "minutes": 60},
        headers=auth,
    )
    assert typed.get_json()["error"]["field"] == "weekday"
    with app.app_context():
        assert db.session.scalar(select(SelfCareSlot)) is None


def test_the_rate_limit_is_per_token_and_per_minute(app, client, home):
    app.config["PLANNER_API_RATE_LIMIT"] = 3
    try:
        mine, other = make_token(app, home.member_ids[0]), make_token(app, home.member_ids[1])
        with time_machine.travel(datetime(2026, 11, 25, 8, 0, 15, tzinfo=UTC), tick=False):
            for _ in range(3):
                assert client.get("/api/v1/household", headers=bearer(mine)).status_code == 200
            limited = client.get("/api/v1/household", headers=bearer(mine))
            assert is_error(limited, 429, "rate_limited")
            assert limited.headers["Retry-After"] == "45"
            # Another token has its own count; a failing request counts too.
            assert client.get("/api/v1/household", headers=bearer(other)).status_code == 200
        with time_machine.travel(datetime(2026, 11, 25, 8, 1, 0, tzinfo=UTC), tick=False):
            assert client.get("/api/v1/household", headers=bearer(mine)).status_code == 200
        with app.app_context():
            used = db.session.scalar(select(ApiToken.last_used_at).where(ApiToken.name == "Script"))
            assert used is not None
    finally:
        app.config["PLANNER_API_RATE_LIMIT"] = 120


def test_today_and_the_week(app, client, home, wednesday):
    _, _, days = agreed_week(app, home)
    auth = bearer(make_token(app, home.member_ids[0]))
    today = client.get("/api/v1/today", headers=auth).get_json()
    assert today["today"] == "2026-11-25" and today["status"] == "agreed"
    assert [o["id"] for o in today["mine"]] == [days["Wed"]]
    assert [c["member_id"] for c in today["checkins"]] == home.member_ids
    week = client.get("/api/v1/week", headers=auth).get_json()
    assert week["week_start"] == "2026-11-23" and week["version"] >= 1
    assert {o["title"] for o in week["occurrences"]} == {"Cooking dinner", "Bins out"}
    later = client.get("/api/v1/week?week=2026-12-03", headers=auth).get_json()
    assert later == {"week_start": "2026-11-30", "status": None, "version": None, "occurrences": []}
    assert is_error(client.get("/api/v1/week?week=1900-01-01", headers=auth), 404, "not_found")
    assert is_error(client.get("/api/v1/week?week=soon", headers=auth), 422, "invalid")
    one = client.get(f"/api/v1/occurrences/{days['Wed']}", headers=auth).get_json()
    assert one["on_date"] == "2026-11-25" and one["holder_id"] == home.member_ids[0]


def test_done_reopen_and_skip(app, client, home, wednesday):
    _, _, days = agreed_week(app, home)
    auth = bearer(make_token(app, home.member_ids[0]))
    wed = days["Wed"]
    done = client.post(f"/api/v1/occurrences/{wed}/done", headers=auth).get_json()
    assert done["state"] == "done" and done["done_by_id"] == home.member_ids[0]
    again = client.post(f"/api/v1/occurrences/{wed}/reopen", headers=auth).get_json()
    assert again["state"] == "open"
    no_reason = client.post(f"/api/v1/occurrences/{wed}/skip", json={}, headers=auth)
    assert is_error(no_reason, 422, "invalid")
    skipped = client.post(f"/api/v1/occurrences/{wed}/skip", json={"reason": "Out"}, headers=auth)
    assert skipped.get_json()["state"] == "skipped"
    with app.app_context():
        assert db.session.get(PlanOccurrence, wed).state == OccurrenceState.SKIPPED
    # Sam doesn't do Alex's cooking: the page's rule, said in JSON.
    sam = bearer(make_token(app, home.member_ids[1]))
    theirs = client.post(
        f"/api/v1/occurrences/{days['Thu']}/skip", json={"reason": "x"}, headers=sam
    )
    assert (
        is_error(theirs, 422, "invalid")
        and "Only whoever does" in theirs.get_json()["error"]["message"]
    )


def test_ive_got_it_and_a_handover_answered(app, client, home, wednesday):
    _, _, days = agreed_week(app, home)
    alex, sam = home.member_ids
    alex_auth, sam_auth = bearer(make_token(app, alex)), bearer(make_token(app, sam))
    taken = client.post(f"/api/v1/occurrences/{days['Wed']}/take", json={}, headers=sam_auth)
    assert [o["holder_id"] for o in taken.get_json()["occurrences"]] == [sam]
    kept = client.post(f"/api/v1/occurrences/{days['Wed']}/keep", headers=alex_auth).get_json()
    assert [o["holder_id"] for o in kept["occurrences"]] == [alex]
    asked = client.post(
        f"/api/v1/occurrences/{days['Thu']}/ask",
        json={"to_member_id": sam, "reason": "Late meeting"},
        headers=alex_auth,
    ).get_json()
    assert [o["asked_to_id"] for o in asked["occurrences"]] == [sam]
    waiting = client.get("/api/v1/today", headers=sam_auth).get_json()["waiting_for_me"]
    assert [a["occurrence_ids"] for a in waiting] == [[days["Thu"]]]
    said = client.post(
        f"/api/v1/occurrences/{days['Thu']}/answer", json={"accept": True}, headers=sam_auth
    ).get_json()
    assert [o["holder_id"] for o in said["occurrences"]] == [sam]
    twice = client.post(
        f"/api/v1/occurrences/{days['Thu']}/answer", json={"accept": False}, headers=sam_auth
    )
    assert is_error(twice, 409, "conflict")
    nobody = client.post(
        f"/api/v1/occurrences/{days['Fri']}/ask", json={"to_member_id": 999}, headers=alex_auth
    )
    assert (
        is_error(nobody, 422, "invalid") and nobody.get_json()["error"]["field"] == "to_member_id"
    )


def test_checkins_read_and_my_own_midweek(app, client, home, wednesday):
    agreed_week(app, home)
    alex, sam = home.member_ids
    said = client.post(
        "/api/v1/checkins",
        json={"state": "in_the_reeds", "what_would_help": "Dinners"},
        headers=bearer(make_token(app, alex)),
    )
    assert said.status_code == 200
    assert said.get_json()["checkin"]["state"] == "in_the_reeds"
    read = client.get("/api/v1/checkins", headers=bearer(make_token(app, sam))).get_json()
    by_member = {c["member_id"]: c for c in read["checkins"]}
    assert by_member[alex]["midweek"] and by_member[alex]["what_would_help"] == "Dinners"
    assert by_member[sam]["state"] is None
    wrong = client.post(
        "/api/v1/checkins", json={"state": "fine"}, headers=bearer(make_token(app, alex))
    )
    assert is_error(wrong, 422, "invalid")


def test_a_checkin_without_a_plan_is_refused_kindly(app, client, home):
    response = client.post(
        "/api/v1/checkins",
        json={"state": "okay"},
        headers=bearer(make_token(app, home.member_ids[0])),
    )
    assert is_error(response, 422, "invalid")


def test_selfcare_slots_read_made_edited_and_archived(app, client, home, wednesday):
    alex_auth = bearer(make_token(app, home.member_ids[0]))
    made = client.post(
        "/api/v1/selfcare/slots",
        json={"title": "Run", "weekday": 3, "start_time": "18:30", "minutes": 60},
        headers=alex_auth,
    )
    assert made.status_code == 201
    slot = made.get_json()
    together = client.post(
        "/api/v1/selfcare/slots",
        json={
            "title": "Walk",
            "weekday": 5,
            "start_time": "10:00",
            "minutes": 90,
            "together": True,
        },
        headers=alex_auth,
    ).get_json()
    assert together["member_id"] is None and together["together"]
    week = client.get("/api/v1/selfcare", headers=alex_auth).get_json()
    assert {s["title"] for s in week["slots"]} == {"Run", "Walk"}
    assert {w["title"] for w in week["this_week"]} == {"Run", "Walk"}
    edited = client.patch(
        f"/api/v1/selfcare/slots/{slot['id']}",
        json={"version": slot["version"], "minutes": 45},
        headers=alex_auth,
    ).get_json()
    assert edited["minutes"] == 45 and edited["title"] == "Run"
    assert edited["version"] > slot["version"]
    sam_auth = bearer(make_token(app, home.member_ids[1]))
    not_theirs = client.patch(
        f"/api/v1/selfcare/slots/{slot['id']}", json={"version": 9, "minutes": 30}, headers=sam_auth
    )
    assert is_error(not_theirs, 403, "forbidden")
    gone = client.post(f"/api/v1/selfcare/slots/{slot['id']}/archive", headers=alex_auth)
    assert gone.status_code == 200
    with app.app_context():
        assert db.session.get(SelfCareSlot, slot["id"]).archived_at is not None


def test_a_stale_slot_edit_is_409_and_changes_nothing(app, client, home):
    auth = bearer(make_token(app, home.member_ids[0]))
    slot = client.post(
        "/api/v1/selfcare/slots",
        json={"title": "Run", "weekday": 3, "start_time": "18:30", "minutes": 60},
        headers=auth,
    ).get_json()
    first = {"version": slot["version"], "minutes": 45}
    assert (
        client.patch(f"/api/v1/selfcare/slots/{slot['id']}", json=first, headers=auth).status_code
        == 200
    )
    stale = {"version": slot["version"], "title": "Swim"}
    response = client.patch(f"/api/v1/selfcare/slots/{slot['id']}", json=stale, headers=auth)
    assert is_error(response, 409, "conflict")
    with app.app_context():
        row = db.session.get(SelfCareSlot, slot["id"])
        assert (row.title, row.minutes) == ("Run", 45)


RESPONSIBILITY = {
    "title": "Bins out",
    "cadence_kind": "weekly",
    "weekdays": [3],
    "starts_on": "2026-11-23",
    "effort_minutes": 10,
}


def _area(client, auth) -> int:
    from planner.inventory.services import ensure_areas
    from planner.models import Household

    with client.application.app_context():
        household_id = db.session.scalar(select(ApiToken.household_id))
        area_id = ensure_areas(db.session.get(Household, household_id))[0].id
        db.session.commit()
    return area_id


def test_responsibilities_listed_made_edited_and_archived(app, client, home, wednesday):
    auth = bearer(make_token(app, home.member_ids[0]))
    area_id = _area(client, auth)
    made = client.post(
        "/api/v1/responsibilities",
        json={**RESPONSIBILITY, "area_id": area_id, "default_owner_id": home.member_ids[1]},
        headers=auth,
    )
    assert made.status_code == 201, made.get_json()
    r = made.get_json()
    assert r["cadence"] and r["weekdays"] == [3] and r["default_owner_id"] == home.member_ids[1]
    listed = client.get("/api/v1/responsibilities", headers=auth).get_json()
    assert [x["id"] for x in listed["responsibilities"]] == [r["id"]]
    edited = client.patch(
        f"/api/v1/responsibilities/{r['id']}",
        json={"version": r["version"], "effort_minutes": 20},
        headers=auth,
    ).get_json()
    assert edited["effort_minutes"] == 20 and edited["version"] != r["version"]
    archived = client.post(f"/api/v1/responsibilities/{r['id']}/archive", headers=auth).get_json()
    assert archived["archived"]
    assert client.get("/api/v1/responsibilities", headers=auth).get_json() == {
        "responsibilities": []
    }
    with_archived = client.get("/api/v1/responsibilities?archived=true", headers=auth).get_json()
    assert [x["id"] for x in with_archived["responsibilities"]] == [r["id"]]
    back = client.post(f"/api/v1/responsibilities/{r['id']}/unarchive", headers=auth).get_json()
    assert not back["archived"]
    one = client.get(f"/api/v1/responsibilities/{r['id']}", headers=auth).get_json()
    assert one == back


def test_a_responsibility_that_doesnt_fit_is_422(app, client, home, wednesday):
    auth = bearer(make_token(app, home.member_ids[0]))
    area_id = _area(client, auth)
    for bad in (
        {**RESPONSIBILITY, "area_id": area_id, "weekdays": []},
        {**RESPONSIBILITY, "area_id": area_id, "pinned": True},
        {**RESPONSIBILITY, "area_id": area_id + 1000},
        {**RESPONSIBILITY, "area_id": area_id, "starts_on": "1990-01-01"},
        {**RESPONSIBILITY, "area_id": area_id, "effort_minutes": 601},
    ):
        response = client.post("/api/v1/responsibilities", json=bad, headers=auth)
        assert is_error(response, 422, "invalid"), bad
    with app.app_context():
        assert db.session.scalar(select(Responsibility)) is None


def test_a_stale_responsibility_edit_is_409_and_keeps_the_partners_change(
    app, client, home, wednesday
):
    alex = bearer(make_token(app, home.member_ids[0]))
    sam = bearer(make_token(app, home.member_ids[1]))
    area_id = _area(client, alex)
    r = client.post(
        "/api/v1/responsibilities", json={**RESPONSIBILITY, "area_id": area_id}, headers=alex
    ).get_json()
    url = f"/api/v1/responsibilities/{r['id']}"
    assert (
        client.patch(
            url, json={"version": r["version"], "effort_minutes": 30}, headers=sam
        ).status_code
        == 200
    )
    stale = client.patch(url, json={"version": r["version"], "title": "Recycling"}, headers=alex)
    assert is_error(stale, 409, "conflict")
    now = client.get(url, headers=alex).get_json()
    assert (now["title"], now["effort_minutes"]) == ("Bins out", 30)
    missing = client.patch(url, json={"title": "Recycling"}, headers=alex)
    assert is_error(missing, 422, "invalid") and missing.get_json()["error"]["field"] == "version"


def test_the_openapi_document_and_its_page(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    assert spec["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    skip = spec["paths"]["/api/v1/occurrences/{occurrence_id}/skip"]["post"]
    assert skip["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("SkipIn")
    assert set(skip["responses"]) >= {"200", "401", "403", "404", "409", "422", "429"}
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and "POST /api/v1/occurrences/{occurrence_id}/skip" in body(page)
    assert "cdn" not in body(page).lower()
    assert "<code>Authorization: Bearer &lt;token&gt;</code>" in page.get_data(as_text=True)
