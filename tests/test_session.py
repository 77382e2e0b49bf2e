"""The weekly session: every page and form, bad input included."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine

from planner.domain.refusal import Refused
from planner.extensions import db
from planner.models import CheckIn, Household, WeekPlan
from planner.session import services
from tests.helpers import body, committing, login
from tests.test_session_helpers import add_last_week, check_in, plan_for, plan_state

STEP_PATHS = (
    "",
    "/appreciate",
    "/checkin",
    "/look-back",
    "/look-ahead",
    "/rebalance",
    "/kindness",
    "/selfcare",
    "/agree",
)


def test_start_page_then_begin_makes_the_draft(app, client, make):
    made = make("Alex", "Sam")
    login(client, made.emails[0])
    page = client.get("/session")
    assert page.status_code == 200
    assert "Start the session" in body(page)
    response = client.post("/session")
    assert response.status_code == 302
    with committing(app):
        plan = db.session.scalar(db.select(WeekPlan))
        assert response.headers["Location"].endswith(f"/session/{plan.id}")
        assert plan.status == "draft"
    # Starting again resumes the same plan.
    assert client.post("/session").headers["Location"].endswith(f"/session/{plan.id}")
    assert "Your weekly session" in body(client.get("/session"))


@pytest.mark.parametrize("path", STEP_PATHS)
def test_every_step_page_renders(app, client, make, path):
    planned = plan_for(app, make("Alex", "Sam"))
    login(client, planned.emails[0])
    response = client.get(f"/session/{planned.plan_id}{path}")
    assert response.status_code == 200
    text = body(response)
    assert f"/session/{planned.plan_id}/version?v=" in text  # the live poll
    assert 'hx-trigger="plan-changed from:body"' in text


def test_week_rule(app, make):
    made = make("Alex")
    with committing(app):
        household = db.session.get(Household, made.household_id)  # weeks start on Monday
        assert services.session_week_start(household, date(2026, 3, 4)) == date(2026, 3, 2)
        assert services.session_week_start(household, date(2026, 3, 6)) == date(2026, 3, 2)
        # Saturday and Sunday: the coming week.
        assert services.session_week_start(household, date(2026, 3, 7)) == date(2026, 3, 9)
        assert services.session_week_start(household, date(2026, 3, 8)) == date(2026, 3, 9)
        # Once the current week is agreed, the next one.
        db.session.add(
            WeekPlan(household_id=household.id, week_start=date(2026, 3, 2), status="agreed")
        )
        db.session.commit()
        assert services.session_week_start(household, date(2026, 3, 3)) == date(2026, 3, 9)


def test_appreciation_saved_and_shown(app, client, make):
    planned = plan_for(app, make("Alex", "Sam"))
    login(client, planned.emails[0])
    url = f"/session/{planned.plan_id}/appreciate"
    response = client.post(url, data={"appreciation": "You cooked all week."})
    assert response.status_code == 302
    assert "You cooked all week." in body(client.get(url))
    too_long = client.post(url, data={"appreciation": "x" * 501})
    assert too_long.status_code == 422
    assert "under 500 characters" in body(too_long)


def test_checkin_saves_own_with_default_capacity(app, client, make):
    planned = plan_for(app, make("Alex", "Sam"))
    add_last_week(app, planned)
    alex, _ = planned.member_ids
    login(client, planned.emails[0])
    url = f"/session/{planned.plan_id}/checkin"
    data = {"state": "in_the_reeds", "what_would_help": "A quiet evening", "fairness": "3"}
    assert client.post(url, data=data).status_code == 302
    assert plan_state(app, planned)["checkins"][alex] == ("in_the_reeds", 60, 3, False)
    assert client.post(url, data={**data, "state": "blown", "capacity": "40"}).status_code == 302
    assert plan_state(app, planned)["checkins"][alex] == ("blown", 40, 3, False)
    page = body(client.get(url))
    assert 'type="radio" name="state" value="blown" checked' in page
    assert "A quiet evening" in page


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"capacity": "150"}, "Capacity is between 0 and 100."),
        ({"capacity": "-5"}, "Capacity is between 0 and 100."),
        ({"state": "fine"}, "Pick okay, in the reeds or blown."),
        ({"state": ""}, "Pick okay, in the reeds or blown."),
        ({"fairness": "9"}, "Pick 1 to 5."),
        ({"what_would_help": "x" * 501}, "under 500 characters"),
    ],
)
def test_checkin_bad_input_saves_nothing(app, client, make, bad, message):
    planned = plan_for(app, make("Alex", "Sam"))
    add_last_week(app, planned)
    login(client, planned.emails[0])
    data = {"state": "okay", "fairness": "4", **bad}
    response = client.post(f"/session/{planned.plan_id}/checkin", data=data)
    assert response.status_code == 422
    assert message in body(response)
    assert plan_state(app, planned)["checkins"] == {}


def test_a_first_session_asks_nothing_about_last_week(app, client, make):
    planned = plan_for(app, make("Alex", "Sam"))
    alex = planned.member_ids[0]
    login(client, planned.emails[0])
    url = f"/session/{planned.plan_id}/checkin"
    page = body(client.get(url))
    assert "Did last week feel fair?" not in page
    assert "Look back" not in page and "Step 2 of 7" in page  # the step is left out
    assert client.post(url, data={"state": "okay", "fairness": "2"}).status_code == 302
    assert plan_state(app, planned)["checkins"][alex] == ("okay", 100, None, False)
    look_back = body(client.get(f"/session/{planned.plan_id}/look-back"))
    assert "This is your first session" in look_back
    add_last_week(app, planned)  # a household with a week behind it is asked
    assert "Did last week feel fair?" in body(client.get(url))
    assert "Step 2 of 8" in body(client.get(url))


def test_member_cannot_set_the_partners_checkin(app, client, make):
    planned = plan_for(app, make("Alex", "Sam"))
    sam = planned.member_ids[1]
    login(client, planned.emails[0])
    url = f"/session/{planned.plan_id}/checkin"
    response = client.post(url, data={"state": "blown", "member_id": str(sam)})
    assert response.status_code == 403
    assert "Only Sam can do this" in body(response)
    wrong = client.post(
        url, data={"for": sam, f"p{sam}-state": "blown", f"p{sam}-password": "nope nope nope"}
    )
    assert wrong.status_code == 403
    assert "That is not Sam's password." in body(wrong)
    assert plan_state(app, planned)["checkins"] == {}


def test_service_refuses_partner_checkin_too(app, make):
    planned = plan_for(app, make("Alex", "Sam"))
    with committing(app):
        plan = db.session.get(WeekPlan, planned.plan_id)
        alex = db.session.get(Household, planned.household_id).members[0]
        with pytest.raises(Refused) as refused:
            services.save_checkin(
                plan,
                alex,
                state="okay",
                capacity=None,
                what_would_help="",
                fairness=None,
                member_id=planned.member_ids[1],
            )
        assert (refused.value.status, refused.value.field) == (403, "password")
        assert db.session.scalar(db.select(db.func.count()).select_from(CheckIn)) == 0


def test_partner_checks_in_on_a_shared_screen_with_their_password(app, client, make, password):
    planned = plan_for(app, make("Alex", "Sam"))
    sam = planned.member_ids[1]
    login(client, planned.emails[0])
    response = client.post(
        f"/session/{planned.plan_id}/checkin",
        data={"for": sam, f"p{sam}-state": "okay", f"p{sam}-password": password},
    )
    assert response.status_code == 302
    assert plan_state(app, planned)["checkins"][sam] == ("okay", 100, None, False)


SHARED_SCREEN_MOMENT = datetime(2026, 11, 22, 18, 10, tzinfo=UTC)  # a Sunday session


@time_machine.travel(SHARED_SCREEN_MOMENT, tick=False)
def test_a_partner_confirms_once_per_session_on_a_shared_screen(app, client, make, password):
    planned = plan_for(app, make("Alex", "Sam"))
    alex, sam = planned.member_ids
    login(client, planned.emails[0])
    checkin = f"/session/{planned.plan_id}/checkin"
    asked = body(client.get(checkin))
    assert "Sam's password" in asked
    data = {"for": sam, f"p{sam}-state": "okay"}
    assert client.post(checkin, data={**data, f"p{sam}-password": password}).status_code == 302
    # Later saves in this session need no password: the page says Sam confirmed earlier.
    page = body(client.get(checkin))
    assert "Sam confirmed it's them on this screen earlier in this session." in page
    assert "Sam's password" not in page
    again = client.post(checkin, data={**data, f"p{sam}-state": "blown"})
    assert again.status_code == 302
    assert plan_state(app, planned)["checkins"][sam][0] == "blown"
    note = {"for": sam, f"p{sam}-appreciation": "Thank you for the bins."}
    assert client.post(f"/session/{planned.plan_id}/appreciate", data=note).status_code == 302
    # A wrong password typed anyway is still refused.
    wrong = client.post(checkin, data={**data, f"p{sam}-password": "nope nope nope"})
    assert wrong.status_code == 403
    # Signed in as Sam on the same screen, Alex is not taken as confirmed.
    login(client, planned.emails[1])
    refused = client.post(checkin, data={"for": alex, f"p{alex}-state": "blown"})
    assert refused.status_code == 403 and "Only Alex can do this" in body(refused)
    # Nor does the confirmation outlive its hours.
    login(client, planned.emails[0])
    assert client.post(checkin, data={**data, f"p{sam}-password": password}).status_code == 302
    with time_machine.travel(SHARED_SCREEN_MOMENT + timedelta(hours=5), tick=False):
        late = client.post(checkin, data={**data, f"p{sam}-state": "okay"})
    assert late.status_code == 403 and "Only Sam can do this" in body(late)


def test_look_back_shows_last_week(app, client, make):
    planned = plan_for(app, make("Alex", "Sam"))
    with committing(app):
        from planner.week import services as week_services

        plan = db.session.get(WeekPlan, planned.plan_id)
        household = db.session.get(Household, planned.household_id)
        last = week_services.get_or_create_week_plan(household, plan.week_start.replace() - _week())
        sam = household.members[1]
        occurrences = [o for i in last.items for o in i.occurrences]
        week_services.mark_done(occurrences[0], sam)
        week_services.skip(occurrences[1], household.members[0], "Ill")
    login(client, planned.emails[0])
    text = body(client.get(f"/session/{planned.plan_id}/look-back"))
    assert "Carried by the other" in text
    assert "Sam did" in text
    assert "Ill" in text


def _week():
    from datetime import timedelta

    return timedelta(days=7)


@time_machine.travel(datetime(2026, 3, 4, 12, tzinfo=UTC), tick=False)  # a Wednesday
def test_look_ahead_shows_one_day_at_a_time(app, client, make):
    planned = plan_for(app, make("Alex", "Sam"))
    with committing(app):
        household = db.session.get(Household, planned.household_id)
        household.planning_weekday, household.planning_time = 6, time(19, 0)
        db.session.commit()
        week_start = db.session.get(WeekPlan, planned.plan_id).week_start
    login(client, planned.emails[0])
    url = f"/session/{planned.plan_id}/look-ahead"
    days = [week_start + timedelta(days=n) for n in range(7)]
    pages = [body(client.get(f"{url}?day={d.isoformat()}")) for d in days]
    for day, text in zip(days, pages, strict=True):
        assert text.count('class="cal-day"') == 1  # only the chosen day's entries
        assert f'id="day-{day.isoformat()}"' in text
        assert text.count('aria-current="true"') == 1
        # Every other day is one tap away.
        assert text.count(f"{url}?day=") == 7
    sunday = next(i for i, d in enumerate(days) if d.weekday() == 6)
    assert [("Weekly planning session" in t) for t in pages] == [i == sunday for i in range(7)]
    assert all("School lunches" in t for t, d in zip(pages, days, strict=True) if d.weekday() < 5)
    # Today by default while the session plans this week (with days enough left); a day
    # outside the week, or not a date, falls back to it.
    assert days[0] == date(2026, 3, 2)
    for asked in ("", "?day=2001-01-01", "?day=soon", "?day=2026-13-45"):
        response = client.get(url + asked)
        assert response.status_code == 200
        assert 'id="day-2026-03-04"' in body(response)


def test_agreed_plan_refuses_changes(app, client, make):
    planned = plan_for(app, make("Alex", "Sam"))
    with committing(app):
        db.session.get(WeekPlan, planned.plan_id).status = "agreed"
        db.session.commit()
    login(client, planned.emails[0])
    response = client.post(f"/session/{planned.plan_id}/checkin", data={"state": "okay"})
    assert response.status_code == 422
    assert "already agreed" in body(response)


def test_pages_need_sign_in(client, app, make):
    planned = plan_for(app, make("Alex", "Sam"))
    assert client.get("/session").status_code == 302
    assert client.get(f"/session/{planned.plan_id}/checkin").status_code == 302
    assert client.get(f"/session/{planned.plan_id}/version?v=1").status_code == 404


def test_check_in_helper_and_overview_progress(app, client, make):
    planned = plan_for(app, make("Alex", "Sam"))
    check_in(app, planned, planned.member_ids[1], "blown")
    login(client, planned.emails[0])
    text = body(client.get(f"/session/{planned.plan_id}"))
    assert "1 of 2 checked in" in text
    assert "done: Sam" in text
    assert "← Overview" not in text  # no link to the page itself
    assert "← Overview" in body(client.get(f"/session/{planned.plan_id}/appreciate"))


def test_one_off_added_in_look_ahead(app, client, make):
    planned = plan_for(app, make("Alex", "Sam"))
    sam = planned.member_ids[1]
    with committing(app):
        day = db.session.get(WeekPlan, planned.plan_id).week_start.isoformat()
    login(client, planned.emails[0])
    url = f"/session/{planned.plan_id}/look-ahead"
    data = {"title": "Dentist", "on_date": day, "effort_minutes": "60", "owner_id": sam}
    assert client.post(url, data=data).status_code == 302
    assert plan_state(app, planned)["owners"]["Dentist"] == sam
    assert "one-off" in body(client.get(url))
    for bad, message in [
        ({"title": ""}, "Say what it is."),
        ({"effort_minutes": "900"}, "Between 0 and 600 minutes."),
        ({"on_date": "2020-01-01"}, "Not a valid choice"),
        ({"owner_id": "999999"}, "Not a valid choice"),
    ]:
        response = client.post(url, data={**data, "title": "Cake", **bad})
        assert response.status_code == 422, bad
        assert message in body(response), bad
    assert "Cake" not in plan_state(app, planned)["owners"]


def test_selfcare_step_flags_clashes_and_blocks_the_slot(app, client, make):
    from planner.models import Area, PlanItem, Responsibility, SelfCareSlot

    planned = plan_for(app, make("Alex", "Sam"), rows=())
    alex = planned.member_ids[0]
    with committing(app):
        household = db.session.get(Household, planned.household_id)
        area = db.session.scalar(db.select(Area.id).where(Area.household_id == household.id))
        db.session.add(
            Responsibility(
                household_id=household.id,
                area_id=area,
                title="Cooking",
                rrule="FREQ=WEEKLY;BYDAY=MO",
                starts_on=date(2025, 1, 6),
                preferred_time=time(18, 15),
                effort_minutes=45,
                default_owner_id=alex,
            )
        )
        db.session.add(
            SelfCareSlot(
                household_id=household.id,
                member_id=alex,
                title="Swim",
                weekday=0,
                start_time=time(18, 0),
                minutes=60,
            )
        )
        db.session.commit()
        services.start_session(household)
    login(client, planned.emails[0])
    text = body(client.get(f"/session/{planned.plan_id}/selfcare"))
    assert "Swim" in text
    assert "clashes with their own Cooking" in text
    with committing(app):
        monday = db.session.get(WeekPlan, planned.plan_id).week_start  # the swim's day
    look_ahead = f"/session/{planned.plan_id}/look-ahead?day={monday.isoformat()}"
    assert "On duty: Alex's time" in body(client.get(look_ahead))
    clash = "Alex's Swim is Monday 18:00–19:00, when Cooking is due"
    rebalance_url = f"/session/{planned.plan_id}/rebalance"
    proposed = body(client.get(rebalance_url))
    assert f"{clash}; Sam takes Cooking (45 min)." in proposed
    assert f'<span class="badge in_the_reeds">clash</span> {clash}' in proposed  # shown as one
    # Vetoed, the page says what happens instead: it stays, clash and all.
    with committing(app):
        cooking = db.session.scalar(db.select(PlanItem.id).where(PlanItem.title == "Cooking"))
    sam = planned.member_ids[1]
    veto = client.post(rebalance_url + "/veto", data={"item_id": cooking, "to_member_id": sam})
    assert veto.status_code == 302
    assert f"Cooking stays with Alex as you chose, though {clash}." in body(
        client.get(rebalance_url)
    )
