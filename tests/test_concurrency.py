"""Two partners saving at once, and double submits: never a lost change, never a 500,
never a duplicate. Each race is forced: the requests start together behind a barrier,
round after round, on the real database."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from planner.extensions import db
from planner.models import (
    CheckIn,
    Household,
    Invite,
    Member,
    PlanItem,
    Reminder,
    Responsibility,
    SelfCareWeek,
    Veto,
    WeekPlan,
)
from planner.session import rebalance
from planner.session import services as session_services
from tests.helpers import body, committing, login
from tests.test_session_helpers import check_in, plan_for, plan_state

ROUNDS = 6


def together(*requests: Callable[[], object]) -> list:
    """Run the requests at the same moment, each on its own thread; their responses."""
    barrier = threading.Barrier(len(requests))
    answers: list = [None] * len(requests)

    def run(index: int) -> None:
        barrier.wait()
        try:
            answers[index] = requests[index]()
        except Exception as exc:  # reported, so a crash fails the test instead of hanging
            answers[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def statuses(answers: list) -> list[int]:
    assert not [a for a in answers if isinstance(a, Exception)], answers
    return sorted(a.status_code for a in answers)


def signed_in(app, email: str):
    client = app.test_client()
    login(client, email)
    return client


def count(app, model, *where) -> int:
    with committing(app):
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _agree_base(app, planned) -> str:
    with committing(app):
        plan = session_services.load_plan(db.session.get(WeekPlan, planned.plan_id))
        return session_services.plan_fingerprint(plan)


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_both_agreeing_at_once_agrees_the_plan_and_queues_its_summary(app, make, round_):
    planned = plan_for(app, make("Alex", "Sam"))
    alex, sam = (signed_in(app, e) for e in planned.emails)
    url, base = f"/session/{planned.plan_id}/agree", _agree_base(app, planned)
    answers = together(
        lambda: alex.post(url, data={"base": base}), lambda: sam.post(url, data={"base": base})
    )
    assert statuses(answers) == [302, 302]
    assert plan_state(app, planned)["status"] == "agreed"
    assert count(app, Reminder, Reminder.kind == "plan_summary") == 2


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_a_double_submitted_first_check_in_is_saved_once(app, make, round_):
    planned = plan_for(app, make("Alex", "Sam"))
    alex = signed_in(app, planned.emails[0])
    url = f"/session/{planned.plan_id}/checkin"
    post = lambda: alex.post(url, data={"state": "blown", "what_would_help": "sleep"})  # noqa: E731
    assert statuses(together(post, post)) == [302, 302]
    assert count(app, CheckIn, CheckIn.week_plan_id == planned.plan_id) == 1


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_both_vetoing_one_move_at_once_keeps_one_veto(app, make, round_):
    planned = plan_for(app, make("Alex", "Sam"))
    data = {"item_id": planned.item_ids["Dishes"], "to_member_id": planned.member_ids[1]}
    clients = [signed_in(app, e) for e in planned.emails]
    url = f"/session/{planned.plan_id}/rebalance/veto"
    answers = together(*(lambda c=c: c.post(url, data=data) for c in clients))
    assert statuses(answers) == [302, 302]
    assert count(app, Veto, Veto.week_plan_id == planned.plan_id) == 1


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_kindness_saved_from_the_same_page_by_both_loses_nothing_silently(app, make, round_):
    planned = plan_for(app, make("Alex", "Sam"))
    alex_id, sam_id = planned.member_ids
    check_in(app, planned, alex_id, "blown")
    check_in(app, planned, sam_id, "blown")
    with committing(app):
        plan = session_services.load_plan(db.session.get(WeekPlan, planned.plan_id))
        result = rebalance.compute(plan)
        first, second = result.kindness.suggestions[:2]
        shown = [s.item_id for s in result.kindness.suggestions]
        items = {i.id: i for i in plan.items}
        base = rebalance.kindness_fingerprint([items[i] for i in shown])  # as the page shows them
    alex, sam = (signed_in(app, e) for e in planned.emails)
    url = f"/session/{planned.plan_id}/kindness"

    def ticks(suggestion) -> dict:
        choice = {f"choice-{suggestion.item_id}": suggestion.options[0].choice}
        return {"base": base, "shown": shown, **choice}

    answers = together(
        lambda: alex.post(url, data=ticks(first)), lambda: sam.post(url, data=ticks(second))
    )
    # One is saved; the other is told the plan changed (409) and shown it; none lost silently.
    assert statuses(answers) == [302, 409]
    refused = next(a for a in answers if a.status_code == 409)
    assert "changed on another screen" in body(refused)
    chosen = {t for t, k in plan_state(app, planned)["kindness"].items() if k}
    assert len(chosen) == 1


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_people_accepting_one_invite_make_one_member(app, make, round_):
    from planner.auth.services import create_invite

    made = make("Alex")
    with committing(app):
        _, link = create_invite(db.session.get(Member, made.member_ids[0]), f"sam{round_}@ex.org")
    path = link.split("://", 1)[1].split("/", 1)[1]
    form = {"display_name": "Sam", "password": "a long password", "confirm": "a long password"}
    first, second = app.test_client(), app.test_client()
    answers = together(
        lambda: first.post(f"/{path}", data=form), lambda: second.post(f"/{path}", data=form)
    )
    assert statuses(answers) == [302, 410]
    assert count(app, Member, Member.household_id == made.household_id) == 2
    assert count(app, Invite, Invite.used_at.is_not(None)) == 1


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_a_double_submitted_one_off_is_added_once(app, make, round_):
    made = make("Alex", "Sam")
    alex = signed_in(app, made.emails[0])
    with committing(app):
        from planner.week.services import week_start_for_household

        week = week_start_for_household(db.session.get(Household, made.household_id))
    form = {
        "title": "Cake",
        "on_date": week.isoformat(),
        "effort_minutes": "30",
        "owner_id": made.member_ids[0],
    }
    post = lambda: alex.post(f"/week/{week.isoformat()}/items", data=form)  # noqa: E731
    assert statuses(together(post, post)) == [302, 302]
    assert count(app, PlanItem, PlanItem.title == "Cake") == 1
    assert count(app, WeekPlan, WeekPlan.household_id == made.household_id) == 1


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_double_submitted_starter_picks_are_added_once(app, make, round_):
    made = make("Alex", "Sam")
    alex = signed_in(app, made.emails[0])
    picks = {"pick": ["dishes", "laundry_wash"], "owner-dishes": made.member_ids[0]}
    post = lambda: alex.post("/inventory/starter", data=picks)  # noqa: E731
    assert statuses(together(post, post)) == [302, 302]
    titles = count(app, Responsibility, Responsibility.household_id == made.household_id)
    assert titles == 2


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_a_double_submitted_first_self_care_skip_is_one_week_row(app, make, round_):
    from datetime import time

    from planner.selfcare.services import add_slot
    from planner.week.services import week_start_for_household

    made = make("Alex", "Sam")
    with committing(app):
        alex = db.session.get(Member, made.member_ids[0])
        slot_id = add_slot(alex, "Run", 6, time(23, 0), 30).id
        week = week_start_for_household(alex.household)
    client = signed_in(app, made.emails[0])
    url = f"/selfcare/slots/{slot_id}/weeks/{week.isoformat()}"
    post = lambda: client.post(url, data={"action": "skip"})  # noqa: E731
    assert statuses(together(post, post)) == [302, 302]
    assert count(app, SelfCareWeek, SelfCareWeek.slot_id == slot_id) == 1


def test_concurrent_saves_each_raise_the_version_once(app, make):
    planned = plan_for(app, make("Alex", "Sam"))
    before = plan_state(app, planned)["version"]
    clients = [signed_in(app, planned.emails[i % 2]) for i in range(8)]
    url = f"/session/{planned.plan_id}/appreciate"
    answers = together(
        *(
            lambda c=c, i=i: c.post(url, data={"appreciation": f"Thank you {i}"})
            for i, c in enumerate(clients)
        )
    )
    assert statuses(answers) == [302] * 8
    assert plan_state(app, planned)["version"] == before + 8  # open pages see every save


def test_a_stale_household_settings_form_does_not_undo_the_partners_change(app, make):
    made = make("Alex", "Sam")
    alex, sam = (signed_in(app, e) for e in made.emails)
    page = body(alex.get("/household"))
    base = page.split('name="base" type="hidden" value="', 1)[1].split('"', 1)[0]
    settings = {
        "name": "Home",
        "timezone": "Europe/London",
        "week_start": "0",
        "planning_weekday": "6",
        "planning_time": "19:00",
        "planning_minutes": "30",
    }
    sams = sam.post("/household", data={**settings, "planning_weekday": "3", "base": base})
    assert sams.status_code == 302
    stale = alex.post("/household", data={**settings, "name": "Our home", "base": base})
    assert stale.status_code == 409
    assert "changed on another screen" in body(stale) and "planning weekday: 3" in body(stale)
    with committing(app):
        household = db.session.get(Household, made.household_id)
        assert (household.name, household.planning_weekday) == ("Home", 3)


def test_a_stale_responsibility_edit_does_not_undo_the_partners_change(app, make):
    made = make("Alex", "Sam")
    alex, sam = (signed_in(app, e) for e in made.emails)
    picks = {"pick": ["dishes"]}
    assert alex.post("/inventory/starter", data=picks).status_code == 302
    with committing(app):
        dishes = db.session.scalar(select(Responsibility))
        dishes_id, area_id = dishes.id, dishes.area_id
    page = body(alex.get(f"/inventory/{dishes_id}/edit"))
    base = page.split('name="base" type="hidden" value="', 1)[1].split('"', 1)[0]
    form = {
        "title": "Dishes",
        "area_id": area_id,
        "cadence_kind": "daily",
        "starts_on": "2026-11-23",
        "effort_minutes": "20",
        "mental_load_minutes": "5",
        "default_owner_id": "0",
        "base": base,
    }
    assert sam.post(f"/inventory/{dishes_id}/edit", data={**form, "effort_minutes": "35"})
    stale = alex.post(f"/inventory/{dishes_id}/edit", data={**form, "title": "Dishes done"})
    assert stale.status_code == 409
    assert "changed on another screen" in body(stale)
    with committing(app):
        saved = db.session.get(Responsibility, dishes_id)
        assert (saved.title, saved.effort_minutes) == ("Dishes", 35)
