"""Today is rendered once per change of what it shows (planner.page_cache): a partner's
change shows at once, every session gets its own CSRF token in the forms, a household made
later with the same ids never sees an earlier one's page, and a long day shows a glance
with the rest one tap away."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest
import time_machine

from planner.domain.vocabulary import PlanState
from planner.extensions import db
from planner.models import Household
from planner.week import services
from tests.handover_helpers import MONDAY, WEDNESDAY_MORNING, agreed_week
from tests.helpers import body, committing, login
from tests.test_week import add_responsibility

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def week(app, make):
    """Alex cooks every day this week (agreed); Wednesday morning."""
    made = make("Alex", "Sam")
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        yield made, *agreed_week(app, made)


def test_a_partners_change_shows_on_today_at_once(app, client, week):
    made, _plan_id, _cooking, days = week
    login(client, made.emails[0])
    before = body(client.get("/home"))
    assert "Cooking dinner" in before and "Sam has" not in before
    assert "is away" not in before

    sam = app.test_client()
    login(sam, made.emails[1])
    assert (
        sam.post(f"/week/occurrences/{days['Wed']}/take", data={"back": "today"}).status_code == 302
    )
    assert "Sam has <strong>Cooking dinner</strong> today" in body(client.get("/home"))

    # Away next week: nothing of this week changes hands, only the away days are new.
    away = {"first_day": "2026-12-01", "last_day": "2026-12-02", "note": ""}
    assert sam.post("/checkin-again/away", data=away).status_code == 302
    assert "Sam is away Tue 1 Dec – Wed 2 Dec" in body(client.get("/home"))


def test_every_session_gets_its_own_token_in_todays_forms(app, week):
    made, _plan_id, _cooking, days = week
    phone, laptop = app.test_client(), app.test_client()
    login(phone, made.emails[1])
    login(laptop, made.emails[1])
    phone_tokens = set(TOKEN.findall(phone.get("/home").get_data(as_text=True)))
    laptop_tokens = set(TOKEN.findall(laptop.get("/home").get_data(as_text=True)))
    assert len(phone_tokens) == 1 and len(laptop_tokens) == 1
    assert phone_tokens != laptop_tokens
    # The laptop's form, posted as a browser would: its own token is accepted.
    taken = laptop.post(
        f"/week/occurrences/{days['Wed']}/take",
        data={"back": "today", "csrf_token": laptop_tokens.pop()},
        csrf=False,
    )
    assert taken.status_code == 302
    # The phone's token does not work for the laptop's session.
    refused = laptop.post(
        f"/week/occurrences/{days['Thu']}/take",
        data={"back": "today", "csrf_token": phone_tokens.pop()},
        csrf=False,
    )
    assert refused.status_code == 400


def test_a_household_made_later_with_the_same_ids_never_sees_an_earlier_page(app, make):
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        first = make("Alex", "Sam", name="The Old House")
        client = app.test_client()
        login(client, first.emails[0])
        assert "The Old House" in body(client.get("/home"))
        with app.app_context(), db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        second = make("Alex", "Sam", name="The New House")
        if (second.household_id, second.member_ids) != (first.household_id, first.member_ids):
            pytest.skip("this database never gives a deleted row's id again (PostgreSQL)")
        other = app.test_client()
        login(other, second.emails[0])
        page = body(other.get("/home"))
        assert "The New House" in page and "The Old House" not in page


def test_a_long_day_shows_a_glance_and_the_rest_one_tap_away(app, client, make):
    made = make("Alex", "Sam")
    alex, _sam = made.member_ids
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        with committing(app):
            for n in range(15):
                add_responsibility(made.household_id, f"Daily thing {n:02}", default_owner_id=alex)
            household = db.session.get(Household, made.household_id)
            services.get_or_create_week_plan(household, MONDAY).status = PlanState.AGREED
        login(client, made.emails[0])
        mine = body(client.get("/home"))
        assert mine.count('<li class="wk-entry') == 12
        assert "3 more of yours today" in mine
        assert "/week?mine=1&day=2026-11-25#day-2026-11-25" in mine

        sam = app.test_client()
        login(sam, made.emails[1])
        theirs = body(sam.get("/home"))
        assert theirs.count("I've got it</button>") == 6
        assert "9 more of theirs today" in theirs


def _poll_url(page: str) -> str:
    found = re.search(r'hx-get="(/home/version\?v=[^"]+)"', page)
    assert found, "Today carries its poll"
    return html.unescape(found.group(1))


def test_todays_poll_answers_204_until_something_it_shows_changes(app, client, week):
    made, _plan_id, _cooking, days = week
    login(client, made.emails[0])
    poll = _poll_url(client.get("/home").get_data(as_text=True))
    same = client.get(poll)
    assert same.status_code == 204 and "HX-Trigger" not in same.headers
    assert same.headers["Cache-Control"] == "no-store"

    sam = app.test_client()
    login(sam, made.emails[1])
    sam.post(f"/week/occurrences/{days['Wed']}/take", data={"back": "today"})
    changed = client.get(poll)
    assert changed.status_code == 200 and changed.headers["HX-Trigger"] == "today-changed"
    fresh = _poll_url(client.get("/home").get_data(as_text=True))
    assert fresh != poll and client.get(fresh).status_code == 204

    # The day turns at midnight in the household's zone: Today is a new page.
    with time_machine.travel(datetime(2026, 11, 26, 0, 1, tzinfo=UTC), tick=False):
        assert client.get(fresh).headers.get("HX-Trigger") == "today-changed"
    assert client.get("/home/version?v=nonsense").status_code == 200  # a stale page reloads


def test_todays_poll_needs_a_signed_in_member(app, client, week):
    response = client.get("/home/version?v=1-2026-11-25")
    assert response.status_code == 302 and "/login" in response.location
