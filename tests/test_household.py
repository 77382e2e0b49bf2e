from datetime import time

from planner.extensions import db
from planner.models import Household, Member
from tests.helpers import PASSWORD, body, committing, login

GOOD = {
    "name": "Our place",
    "timezone": "America/New_York",
    "week_start": 6,
    "planning_weekday": 0,
    "planning_time": "20:30",
    "planning_minutes": 45,
}


def test_home_and_settings_pages(client, make):
    made = make("Alex")
    login(client, made.emails[0])
    assert "Invite your partner" in body(client.get("/home"))
    assert client.get("/household").status_code == 200
    assert client.get("/profile").status_code == 200


def test_household_settings_save(app, client, make):
    made = make("Alex")
    login(client, made.emails[0])
    response = client.post("/household", data=GOOD)
    assert response.status_code == 302
    with committing(app):
        household = db.session.get(Household, made.household_id)
        assert household.timezone == "America/New_York"
        assert household.planning_time == time(20, 30)
        assert (household.week_start, household.planning_weekday, household.planning_minutes) == (
            6,
            0,
            45,
        )


def test_household_settings_bad_input(app, client, make):
    made = make("Alex")
    login(client, made.emails[0])
    for bad, message in [
        ({"timezone": "Nowhere/Special"}, "time zone"),
        ({"planning_minutes": 500}, "Between 10 and 180"),
        ({"planning_time": "25:99"}, "time"),
        ({"week_start": 9}, "Not a valid choice"),
        ({"name": ""}, "name"),
    ]:
        response = client.post("/household", data={**GOOD, **bad})
        assert response.status_code == 422, bad
        assert message in body(response), bad
    with committing(app):
        assert db.session.get(Household, made.household_id).timezone == "Europe/London"


def test_profile_and_password(app, client, make):
    made = make("Alex", "Sam")
    login(client, made.emails[0])
    ok = client.post(
        "/profile",
        data={"display_name": "Alexandra", "email": "alexandra@example.com", "colour": "#123abc"},
    )
    assert ok.status_code == 302
    taken = client.post(
        "/profile", data={"display_name": "A", "email": made.emails[1], "colour": "#123abc"}
    )
    assert taken.status_code == 422 and "already has an account" in body(taken)
    bad_colour = client.post(
        "/profile", data={"display_name": "A", "email": "a@example.com", "colour": "red"}
    )
    assert bad_colour.status_code == 422
    wrong = client.post(
        "/profile/password",
        data={"current_password": "nope", "password": "x" * 12, "confirm": "x" * 12},
    )
    assert wrong.status_code == 422 and "current password" in body(wrong)
    assert (
        client.post(
            "/profile/password",
            data={"current_password": PASSWORD, "password": "y" * 12, "confirm": "y" * 12},
        ).status_code
        == 302
    )
    with committing(app):
        member = db.session.get(Member, made.member_ids[0])
        assert member.display_name == "Alexandra" and member.email == "alexandra@example.com"


def test_cancel_invite(app, client, make):
    made = make("Alex")
    login(client, made.emails[0])
    client.post("/household/invites", data={"email": "sam@example.com"})
    from planner.models import Invite

    with committing(app):
        invite_id = db.session.scalars(db.select(Invite)).one().id
    assert client.post(f"/household/invites/{invite_id}/cancel").status_code == 302
    with committing(app):
        assert db.session.get(Invite, invite_id) is None


def test_pages_need_sign_in(client):
    for path in ["/home", "/household", "/profile"]:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.location


def test_password_change_signs_other_devices_out(app, client, make):
    made = make("Alex")
    other_device = app.test_client()
    login(client, made.emails[0])
    login(other_device, made.emails[0])
    assert other_device.get("/home").status_code == 200
    new = "a completely new password"
    response = client.post(
        "/profile/password", data={"current_password": PASSWORD, "password": new, "confirm": new}
    )
    assert response.status_code == 302
    assert client.get("/home").status_code == 200  # this device stays signed in
    assert other_device.get("/home").status_code == 302  # the other one is signed out


def test_password_reset_signs_everyone_out(app, client, make):
    made = make("Alex")
    login(client, made.emails[0])
    with committing(app):
        from planner.auth.services import make_reset_token

        token = make_reset_token(db.session.get(Member, made.member_ids[0]))
    new = "another new password"
    app.test_client().post(f"/reset/{token}", data={"password": new, "confirm": new})
    assert client.get("/home").status_code == 302
