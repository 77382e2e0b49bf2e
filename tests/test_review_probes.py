"""Probes from a review pass: hostile ids, malformed values and redirects never give a 500,
and ids from another household are refused."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from planner.domain.starter_deck import STARTER_DECK
from planner.extensions import db
from planner.models import Area, Responsibility
from tests.helpers import login
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
    assert client.post(f"/selfcare/slots/{slot.id}/weeks/{week}", data={"action": "skip"}).status_code == 404
    assert client.get(f"/selfcare/slots/{slot.id}/weeks/{week}/reschedule").status_code == 404


def test_area_forms_without_a_description_field_save(client, alex, ctx):
    assert client.post("/inventory/areas", data={"name": "Garden"}).status_code == 302
    area = db.session.scalar(select(Area).where(Area.household_id == alex.household_id, Area.name == "Garden"))
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
