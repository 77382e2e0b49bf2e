"""Probes from a review pass: hostile ids, malformed values and redirects never give a 500,
and ids from another household are refused."""

from __future__ import annotations

from datetime import date, time, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import func, select

from planner.domain.starter_deck import STARTER_DECK
from planner.extensions import db
from planner.models import Area, PlanItem, Responsibility, WeekPlan
from tests.helpers import body, committing, links_in, login
from tests.selfcare_helpers import add_slot

# One past the largest INTEGER id on PostgreSQL, and one beyond any SQLite integer.
HUGE_IDS = [str(2**31), "9" * 25]


@pytest.fixture
def alex(client, make):
    made = make("Alex", "Sam")
    login(client, made.emails[0])
    return made


@pytest.mark.parametrize("huge", HUGE_IDS)
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/inventory/{}/edit"),
        ("POST", "/inventory/areas/{}/delete"),
        ("POST", "/week/items/{}/handover"),
        ("POST", "/week/occurrences/{}/done"),
        ("GET", "/selfcare/slots/{}/edit"),
        ("POST", "/imports/{}/remove"),
        ("POST", "/household/invites/{}/cancel"),
        ("GET", "/session/{}"),
        ("GET", "/session/{}/version"),
    ],
)
def test_ids_too_large_for_the_database_are_not_found(client, alex, method, url, huge):
    assert client.open(url.format(huge), method=method).status_code == 404


def test_week_redirect_keeps_only_the_mine_filter(client, alex):
    monday = date(2026, 11, 16)  # the test household's weeks start on Monday
    wednesday = (monday + timedelta(days=2)).isoformat()
    response = client.get(f"/week/{wednesday}?week_start=x&_scheme=javascript&_method=POST&mine=1")
    assert response.status_code == 302
    assert response.location == f"/week/{monday.isoformat()}?mine=1"


@pytest.mark.parametrize("week", ["0001-01-01", "0001-01-03"])
def test_week_page_for_a_date_at_the_edge_of_the_calendar_is_not_found(client, alex, week):
    assert client.get(f"/week/{week}").status_code == 404
    assert client.post(f"/week/{week}/items", data={"title": "x"}).status_code == 404


@pytest.mark.parametrize("week", ["0001-01-02", "9999-12-31"])
def test_selfcare_week_at_the_edge_of_the_calendar_is_not_found(client, alex, ctx, week):
    slot = add_slot(alex, 0, "Run", 2, time(7, 0), 30)
    assert (
        client.post(f"/selfcare/slots/{slot.id}/weeks/{week}", data={"action": "skip"}).status_code
        == 404
    )
    assert client.get(f"/selfcare/slots/{slot.id}/weeks/{week}/reschedule").status_code == 404
    assert client.get(f"/selfcare?week={week}").status_code == 404


def test_area_forms_without_a_description_field_save(client, alex, ctx):
    assert client.post("/inventory/areas", data={"name": "Garden"}).status_code == 302
    area = db.session.scalar(
        select(Area).where(Area.household_id == alex.household_id, Area.name == "Garden")
    )
    assert area.description == ""
    response = client.post(f"/inventory/areas/{area.id}", data={f"area-{area.id}-name": "Yard"})
    assert response.status_code == 302
    db.session.refresh(area)
    assert (area.name, area.description) == ("Yard", "")


def _responsibility_count(household_id: int) -> int:
    return db.session.scalar(
        select(func.count(Responsibility.id)).where(Responsibility.household_id == household_id)
    )


def test_starter_deck_refuses_an_owner_from_another_household(client, alex, make, ctx):
    other = make("Bo", "Bea")
    key = STARTER_DECK[0].key
    response = client.post(
        "/inventory/starter", data={"pick": key, f"owner-{key}": str(other.member_ids[0])}
    )
    assert response.status_code == 422
    assert _responsibility_count(alex.household_id) == 0


def test_starter_deck_owner_that_is_not_an_ascii_number_means_nobody(client, alex, ctx):
    key = STARTER_DECK[0].key
    response = client.post("/inventory/starter", data={"pick": key, f"owner-{key}": "²"})
    assert response.status_code == 302
    added = db.session.scalar(select(Responsibility).where(Responsibility.starter_key == key))
    assert added.default_owner_id is None


def test_kindness_ignores_item_ids_that_are_not_ascii_numbers(client, alex):
    plan_url = client.post("/session").location
    response = client.post(f"{plan_url}/kindness", data={"shown": ["²", "x"], "choice-²": "drop"})
    assert response.status_code == 302


def test_subscribing_to_an_unfinished_ipv6_address_is_refused(client, alex):
    response = client.post("/imports/subscribe", data={"name": "Work", "url": "http://[::1"})
    assert response.status_code == 422
    assert "copy the whole link" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "target", ["/%09/evil.example", "/%0d/evil.example", "/%0a/evil.example", "/%20/evil.example"]
)
def test_sign_in_does_not_follow_next_with_control_characters(client, make, target):
    made = make()
    response = client.post(
        f"/login?next={target}", data={"email": made.emails[0], "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert response.location == "/home"


def _agreed_by_alex(app, make):
    """A household whose session draft Alex has agreed to (Sam not yet)."""
    made = make("Alex", "Sam")
    alex, sam = app.test_client(), app.test_client()
    login(alex, made.emails[0])
    login(sam, made.emails[1])
    plan_url = alex.post("/session").location
    plan_id = int(plan_url.rsplit("/", 1)[1])
    assert (
        alex.post(f"{plan_url}/agree", data={"base": _fingerprint(app, plan_id)}).status_code == 302
    )
    return made, sam, plan_url, plan_id


def _fingerprint(app, plan_id: int) -> str:
    from planner.session.services import load_plan, plan_fingerprint

    with committing(app):
        return plan_fingerprint(load_plan(db.session.get(WeekPlan, plan_id)))


def _still_a_draft_after_sam_agrees(app, sam, plan_url: str, plan_id: int) -> bool:
    response = sam.post(f"{plan_url}/agree", data={"base": _fingerprint(app, plan_id)})
    assert response.status_code == 302
    with committing(app):
        return db.session.get(WeekPlan, plan_id).status == "draft"


def test_an_inventory_change_after_one_agreement_needs_agreeing_again(app, make):
    """Alex agreed; Sam then adds a responsibility that lands in the draft. Sam agreeing
    alone must not set a week Alex never saw."""
    made, sam, plan_url, plan_id = _agreed_by_alex(app, make)
    sam.post("/inventory/areas/usual")  # makes the default areas
    with committing(app):
        area_id = db.session.scalar(select(Area.id).where(Area.household_id == made.household_id))
        week_start = db.session.get(WeekPlan, plan_id).week_start
    added = sam.post(
        "/inventory/new",
        data={
            "title": "Water the plants",
            "area_id": str(area_id),
            "cadence_kind": "daily",
            "starts_on": week_start.isoformat(),
            "effort_minutes": "5",
            "mental_load_minutes": "1",
            "default_owner_id": "0",
            "month_day": "1",
        },
    )
    assert added.status_code == 302
    with committing(app):
        titles = [i.title for i in db.session.get(WeekPlan, plan_id).items]
    assert "Water the plants" in titles  # the draft followed the inventory
    assert _still_a_draft_after_sam_agrees(app, sam, plan_url, plan_id)


def test_a_one_off_added_on_the_week_page_needs_agreeing_again(app, make):
    made, sam, plan_url, plan_id = _agreed_by_alex(app, make)
    with committing(app):
        week_start = db.session.get(WeekPlan, plan_id).week_start
    added = sam.post(
        f"/week/{week_start.isoformat()}/items",
        data={
            "title": "Dentist",
            "on_date": (week_start + timedelta(days=6)).isoformat(),
            "effort_minutes": "60",
            "owner_id": str(made.member_ids[1]),
        },
    )
    assert added.status_code == 302
    assert _still_a_draft_after_sam_agrees(app, sam, plan_url, plan_id)


def test_a_draft_is_not_handed_over_day_by_day(app, make):
    made = make("Alex", "Sam")
    alex, sam = app.test_client(), app.test_client()
    login(alex, made.emails[0])
    login(sam, made.emails[1])
    plan_url = alex.post("/session").location
    plan_id = int(plan_url.rsplit("/", 1)[1])
    with committing(app):
        week_start = db.session.get(WeekPlan, plan_id).week_start
    one_off = {
        "title": "Dentist",
        "on_date": (week_start + timedelta(days=6)).isoformat(),
        "effort_minutes": "60",
        "owner_id": str(made.member_ids[0]),
    }
    assert alex.post(f"/week/{week_start.isoformat()}/items", data=one_off).status_code == 302
    with committing(app):
        item_id = db.session.get(WeekPlan, plan_id).items[0].id
    assert (
        alex.post(f"{plan_url}/agree", data={"base": _fingerprint(app, plan_id)}).status_code == 302
    )
    with committing(app):
        day_id = db.session.get(PlanItem, item_id).occurrences[0].id
    # Nothing is asked of a draft day by day: the session is where a draft changes.
    handover = {"to_member_id": str(made.member_ids[1]), "days": "one"}
    asked = alex.post(f"/week/occurrences/{day_id}/ask", data=handover)
    assert asked.status_code == 422 and "Agree the week together first" in body(asked)
    assert sam.post(f"/week/occurrences/{day_id}/take").status_code == 422
    with committing(app):
        day = db.session.get(PlanItem, item_id).occurrences[0]
        assert day.asked_to_id is None and day.taken_by_id is None


def test_an_invite_from_a_member_whose_name_has_a_line_break_is_sent(app, client, alex):
    profile = {"display_name": "Alex\r\nBcc: x@evil.example", "email": alex.emails[0]}
    assert client.post("/profile", data={**profile, "colour": "#3d7ea6"}).status_code == 302
    response = client.post("/household/invites", data={"email": "new.partner@example.com"})
    assert response.status_code == 200
    sent = [
        message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in Path(app.config["MAIL_FILE_DIR"]).glob("*.eml")
    ]
    invite = next(m for m in sent if m["To"] == "new.partner@example.com")
    assert invite["Bcc"] is None
    assert invite["Subject"].startswith("Alex Bcc: x@evil.example invited you")


@pytest.mark.parametrize("feed", ["household", "member"])
def test_feeds_open_when_names_hold_line_breaks(client, alex, feed):
    settings = {
        "name": "Home\r\nX-Injected: yes",
        "timezone": "Europe/London",
        "week_start": "0",
        "planning_weekday": "6",
        "planning_time": "19:00",
        "planning_minutes": "30",
    }
    assert client.post("/household", data=settings).status_code == 302
    profile = {
        "display_name": "Alex\nX-Injected: yes",
        "email": alex.emails[0],
        "colour": "#3d7ea6",
    }
    assert client.post("/profile", data=profile).status_code == 302
    page = client.post("/feeds/links", data={"feed": feed}, follow_redirects=True).get_data(
        as_text=True
    )
    url = next(link for link in links_in(page) if link.endswith(".ics"))
    response = client.get(url.split("planner.test", 1)[1])
    assert response.status_code == 200
    lines = response.get_data(as_text=True).splitlines()
    assert not any(line.startswith("X-Injected") for line in lines)
    assert any(line.startswith("X-WR-CALNAME:Planner · ") for line in lines)
