"""Rebalance, vetoes, owners by hand, the kindness plan and agreement."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import url_for

from planner import events
from planner.extensions import db
from planner.models import BusyBlock, Veto, WeekPlan
from planner.session import pages, rebalance
from tests.helpers import body, committing, login
from tests.test_session_helpers import check_in, plan_for, plan_state


def _proposal(app, planned):
    with committing(app):
        plan = db.session.get(WeekPlan, planned.plan_id)
        return rebalance.compute(pages.services.load_plan(plan))


def test_rebalance_proposes_moves_to_the_member_with_room(app, client, make):
    planned = plan_for(app, make("Alex", "Sam"))
    alex, sam = planned.member_ids
    check_in(app, planned, alex, "blown")
    check_in(app, planned, sam, "okay")
    login(client, planned.emails[0])
    text = body(client.get(f"/session/{planned.plan_id}/rebalance"))
    assert "Alex is blown this week; Sam takes" in text
    assert "Accept these moves" in text
    assert '<svg class="chart"' in text and "<title>Alex:" in text


def test_rebalance_says_room_in_words_and_what_would_help(app, client, make):
    planned = plan_for(app, make("Alex", "Sam"))
    alex, sam = planned.member_ids
    check_in(app, planned, alex, "blown")
    check_in(app, planned, sam, "okay", capacity=60)
    with committing(app):
        plan = db.session.get(WeekPlan, planned.plan_id)
        row = pages.services.checkins_by_member(plan)[alex]
        row.what_would_help = "Could you take bedtime?"
    login(client, planned.emails[1])
    text = body(client.get(f"/session/{planned.plan_id}/rebalance"))
    assert "very little room this week" in text and "some room this week" in text
    assert "What would help: “Could you take bedtime?”" in text
    numbers = re.findall(r"<summary>The numbers</summary>(.*?)</details>", text, re.S)
    assert "Capacity 25 of 100" in numbers[0] and "Capacity 60 of 100" in numbers[1]


def test_a_request_in_what_would_help_becomes_a_move_and_a_veto_says_what_follows(
    app, client, make
):
    from planner.models import PlanItem

    planned = plan_for(app, make("Alex", "Sam"))
    alex, sam = planned.member_ids
    with committing(app):  # a week that fits as it is: Alex 245 min, Sam 230 min
        for title in ("School lunches", "Groceries", "Bins"):
            db.session.get(PlanItem, planned.item_ids[title]).owner_id = sam
    check_in(app, planned, sam, "okay")
    login(client, planned.emails[0])
    said = {"state": "okay", "what_would_help": "Could you take the laundry this week?"}
    assert client.post(f"/session/{planned.plan_id}/checkin", data=said).status_code == 302
    url = f"/session/{planned.plan_id}/rebalance"
    asked = (
        "Alex asked: “Could you take the laundry this week?”. Sam has room this week; "
        "Sam takes Laundry (95 min)."
    )
    proposed = body(client.get(url))
    assert asked in proposed
    assert f'<span class="badge okay">asked for</span> {asked}' in proposed
    # Sam says no: it stays with Alex, and the page says so.
    login(client, planned.emails[1])
    veto = {"item_id": planned.item_ids["Laundry"], "to_member_id": sam}
    assert client.post(f"{url}/veto", data=veto).status_code == 302
    text = body(client.get(url))
    assert asked not in text
    assert "Alex asked for help with Laundry; it stays with Alex as you chose." in text


def test_a_timed_item_never_lands_on_someone_busy_then(app, client, make):
    from datetime import date, time

    from planner.models import Area, Household, Responsibility

    planned = plan_for(app, make("Alex", "Sam"), rows=())
    alex, sam = planned.member_ids
    with committing(app):
        household = db.session.get(Household, planned.household_id)
        area = db.session.scalar(db.select(Area.id).where(Area.household_id == household.id))
        for title, owner, minutes in (("Bedtime", alex, 45), ("Laundry", sam, 30)):
            db.session.add(
                Responsibility(
                    household_id=household.id,
                    area_id=area,
                    title=title,
                    rrule="FREQ=DAILY",
                    starts_on=date(2025, 1, 6),
                    preferred_time=time(19, 0),
                    effort_minutes=minutes,
                    default_owner_id=owner,
                )
            )
        db.session.flush()
        pages.services.week_services.refresh_draft(db.session.get(WeekPlan, planned.plan_id))
    check_in(app, planned, alex, "blown")
    check_in(app, planned, sam, "okay")
    result = _proposal(app, planned)
    # Alex is blown, but Sam does the laundry at 19:00 every day: bedtime stays.
    assert "Bedtime" not in {m.title for m in result.proposal.moves}


def test_an_imported_busy_time_is_a_clash_said_first(app, client, make):
    from datetime import time, timedelta

    from planner.domain.week import local_to_utc
    from planner.models import Household, Responsibility
    from tests.test_imports import ics, read_waiting, upload

    rows = (("Cooking dinner", "FREQ=DAILY", 40, 10), ("Laundry", "FREQ=WEEKLY;BYDAY=MO", 60, 0))
    planned = plan_for(app, make("Alex", "Sam"), rows=rows)
    alex, sam = planned.member_ids
    with committing(app):
        household = db.session.get(Household, planned.household_id)
        db.session.execute(
            db.update(Responsibility)
            .where(Responsibility.household_id == household.id)
            .values(preferred_time=time(18, 0))
        )
        plan = db.session.get(WeekPlan, planned.plan_id)
        pages.services.week_services.refresh_draft(plan)
        tuesday = plan.week_start + timedelta(days=(1 - plan.week_start.weekday()) % 7)
        busy_from = local_to_utc(tuesday, time(17, 30), household.tz)
    check_in(app, planned, alex, "blown")
    check_in(app, planned, sam, "okay")
    # Sam's work calendar says Sam is busy on Tuesday evening: dinner can't go to Sam.
    login(client, planned.emails[1])
    assert upload(client, ics(busy_from, "Late shift", hours=2)).status_code == 302
    assert read_waiting(app) == 1
    moves = {m.title: m for m in _proposal(app, planned).proposal.moves}
    assert "Cooking dinner" not in moves and "Laundry" in moves
    # Now it is Alex's calendar instead: dinner moves to Sam, the clash said first.
    with committing(app):
        db.session.execute(db.update(BusyBlock).values(member_id=alex))
    clash = f"Alex is busy {tuesday:%A} 17:30–19:30, when Cooking dinner is due"
    text = body(client.get(f"/session/{planned.plan_id}/rebalance"))
    assert f"{clash}; Sam takes Cooking dinner" in text
    assert "Late shift" not in text  # an imported calendar's titles stay private


def test_veto_recomputes_without_the_move(app, client, make):
    planned = plan_for(app, make("Alex", "Sam"))
    alex, sam = planned.member_ids
    check_in(app, planned, alex, "blown")
    first = _proposal(app, planned).proposal.moves
    assert first
    vetoed = first[0]
    login(client, planned.emails[1])
    url = f"/session/{planned.plan_id}/rebalance/veto"
    response = client.post(url, data={"item_id": vetoed.item_id, "to_member_id": sam})
    assert response.status_code == 302
    after = _proposal(app, planned)
    assert all(m.item_id != vetoed.item_id for m in after.proposal.moves)
    assert after.vetoed(vetoed.item_id, sam)
    with committing(app):
        assert db.session.scalar(db.select(Veto)).member_id == sam
    # Taking the veto back brings the move back.
    client.post(
        f"/session/{planned.plan_id}/rebalance/unveto",
        data={"item_id": vetoed.item_id, "to_member_id": sam},
    )
    assert any(m.item_id == vetoed.item_id for m in _proposal(app, planned).proposal.moves)


def test_veto_bad_input(
    app,
    client,
    make,
):
    planned = plan_for(app, make("Alex", "Sam"))
    other = plan_for(app, make("Kim", "Lee"))
    login(client, planned.emails[0])
    url = f"/session/{planned.plan_id}/rebalance/veto"
    foreign_item = next(iter(other.item_ids.values()))
    for data, message in [
        ({"item_id": "x", "to_member_id": planned.member_ids[1]}, "Pick an item."),
        ({"item_id": foreign_item, "to_member_id": planned.member_ids[1]}, "not in this week"),
        (
            {"item_id": planned.item_ids["Dishes"], "to_member_id": other.member_ids[0]},
            "member of your household",
        ),
    ]:
        response = client.post(url, data=data)
        assert response.status_code == 422, data
        assert message in body(response)
    with committing(app):
        assert db.session.scalar(db.select(db.func.count()).select_from(Veto)) == 0


def test_accept_moves_applies_owners_and_signals(app, client, make):
    planned = plan_for(app, make("Alex", "Sam"))
    alex, sam = planned.member_ids
    check_in(app, planned, alex, "blown")
    result = _proposal(app, planned)
    before = plan_state(app, planned)["version"]
    login(client, planned.emails[0])
    response = client.post(
        f"/session/{planned.plan_id}/rebalance/accept", data={"base": result.fingerprint}
    )
    assert response.status_code == 302
    owners = plan_state(app, planned)["owners"]
    for move in result.proposal.moves:
        assert owners[move.title] == sam
    assert plan_state(app, planned)["version"] > before  # open pages follow
    assert "already fits" in body(client.get(f"/session/{planned.plan_id}/rebalance"))


def test_accept_refuses_a_changed_proposal(app, client, make):
    planned = plan_for(app, make("Alex", "Sam"))
    check_in(app, planned, planned.member_ids[0], "blown")
    login(client, planned.emails[0])
    before = plan_state(app, planned)["owners"]
    response = client.post(f"/session/{planned.plan_id}/rebalance/accept", data={"base": "stale"})
    assert response.status_code == 409
    assert "The proposal changed since you saw it" in body(response)
    assert plan_state(app, planned)["owners"] == before


def test_owner_by_hand_and_bad_input(app, client, make):
    planned = plan_for(app, make("Alex", "Sam"))
    alex, sam = planned.member_ids
    dishes = planned.item_ids["Dishes"]
    login(client, planned.emails[0])
    url = f"/session/{planned.plan_id}/rebalance/owner"
    ok = client.post(url, data={"item_id": dishes, "owner_id": sam, "base": alex})
    assert ok.status_code == 302
    assert plan_state(app, planned)["owners"]["Dishes"] == sam
    bad = client.post(url, data={"item_id": dishes, "owner_id": 999999, "base": sam})
    assert bad.status_code == 422
    assert "member of your household" in body(bad)
    missing = client.post(url, data={"item_id": dishes})
    assert missing.status_code == 422
    assert "Pick who owns it." in body(missing)
    assert plan_state(app, planned)["owners"]["Dishes"] == sam
    # Each Save button names its item for screen readers.
    owners = body(client.get(f"/session/{planned.plan_id}/owners"))
    assert 'aria-label="Save the owner of Dishes"' in owners


def test_refused_owner_choice_stays_chosen_and_open(app, client, make):
    planned = plan_for(app, make("Alex", "Sam", "Kim"))
    alex, sam, kim = planned.member_ids
    dishes = planned.item_ids["Dishes"]
    login(client, planned.emails[0])
    url = f"/session/{planned.plan_id}/rebalance/owner"
    assert (
        client.post(url, data={"item_id": dishes, "owner_id": sam, "base": alex}).status_code == 302
    )
    stale = client.post(url, data={"item_id": dishes, "owner_id": kim, "base": alex})
    assert stale.status_code == 409
    text = body(stale)
    select = text[
        text.index(f'id="owner-{dishes}"') : text.index(
            "</select>", text.index(f'id="owner-{dishes}"')
        )
    ]
    assert f'<option value="{kim}" selected>' in select
    assert f'<option value="{sam}" >' in select or f'<option value="{sam}">' in select
    # Saving again on purpose replaces the partner's choice (the form was re-based).
    assert f'name="base" value="{sam}"' in text


def test_kindness_plan_when_capacity_runs_short(app, client, make):
    planned = plan_for(app, make("Alex", "Sam"))
    alex, sam = planned.member_ids
    check_in(app, planned, alex, "blown")
    check_in(app, planned, sam, "in_the_reeds")
    result = _proposal(app, planned)
    offered = {s.title: [o.choice for o in s.options] for s in result.kindness.suggestions}
    # Only what each item allows: lunches and bins must happen as agreed.
    assert offered == {
        "Groceries": ["outsource"],
        "Laundry": ["defer"],
        "Dishes": ["lower_standard"],
    }
    login(client, planned.emails[0])
    url = f"/session/{planned.plan_id}/kindness"
    page = body(client.get(url))
    # The trigger is total capacity under 100, and the page says so in one sentence.
    assert "Together you have less than one person's worth of room this week." in page
    assert "more than you have room for" not in page
    assert "Help from an online delivery" in page and "Paper plates" in page
    assert "School lunches" not in page
    with committing(app):
        plan = pages.services.load_plan(db.session.get(WeekPlan, planned.plan_id))
        base = pages.step_context(plan, "kindness")["kindness_base"]
    shown = [planned.item_ids[t] for t in offered]
    dishes, lunches = planned.item_ids["Dishes"], planned.item_ids["School lunches"]
    data = {
        "base": base,
        "shown": shown,
        f"choice-{dishes}": "lower_standard",
        f"note-{dishes}": "Takeaway boxes too",
    }
    before = room_shown(page)
    assert client.post(url, data=data).status_code == 302
    assert plan_state(app, planned)["kindness"]["Dishes"] == "lower_standard"
    after_page = body(client.get(url))
    assert room_shown(after_page) == before - 75  # half of dishes' 150 min given back
    assert "Dishes — this week: paper plates" in after_page
    for bad_choice, item in (("burn it", dishes), ("defer", dishes), ("defer", lunches)):
        bad = client.post(
            url, data={**data, "base": "", "shown": [*shown, item], f"choice-{item}": bad_choice}
        )
        assert bad.status_code == 422
        assert "can't be given that choice" in body(bad)
        assert plan_state(app, planned)["kindness"]["Dishes"] == "lower_standard"
        assert plan_state(app, planned)["kindness"]["School lunches"] is None


def room_shown(page: str) -> int:
    """The week's load the kindness page shows, summed over members."""
    return sum(int(n) for n in re.findall(r'<span class="load">(\d+)</span> min this week', page))


def test_kindness_plan_when_the_load_outgrows_the_room(app, client, make):
    rows = (("Renovation", "FREQ=DAILY", 200, 0, {"can_wait": True}),)  # 1400 min this week
    planned = plan_for(app, make("Alex", "Sam"), rows=rows)
    alex, sam = planned.member_ids
    check_in(app, planned, alex, "okay", capacity=50)
    check_in(app, planned, sam, "okay", capacity=50)
    assert _proposal(app, planned).needs_kindness
    login(client, planned.emails[0])
    page = body(client.get(f"/session/{planned.plan_id}/kindness"))
    assert "This week asks more than you have room for." in page
    assert "room for about 600 min" in page and "Taking about 200 min off the week" in page
    assert "one person's worth" not in page


def test_no_kindness_plan_when_both_are_okay(app, client, make):
    planned = plan_for(app, make("Alex", "Sam"))
    assert not _proposal(app, planned).needs_kindness
    login(client, planned.emails[0])
    assert "no kindness plan needed" in body(client.get(f"/session/{planned.plan_id}/kindness"))


def _agree_base(app, planned):
    with committing(app):
        plan = pages.services.load_plan(db.session.get(WeekPlan, planned.plan_id))
        return pages.services.plan_fingerprint(plan)


def test_agree_flow_with_partner_password(app, client, make, password):
    planned = plan_for(app, make("Alex", "Sam"))
    alex, sam = planned.member_ids
    agreed = []
    events.plan_agreed.connect(lambda sender, **kw: agreed.append(kw["week_plan"].id), weak=False)
    login(client, planned.emails[0])
    url = f"/session/{planned.plan_id}/agree"
    base = _agree_base(app, planned)
    assert client.post(url, data={"base": base}).status_code == 302
    state = plan_state(app, planned)
    assert state["status"] == "draft" and state["checkins"][alex][3]
    wrong = client.post(
        url, data={"for": sam, f"p{sam}-base": base, f"p{sam}-password": "wrong one!"}
    )
    assert wrong.status_code == 403
    assert "That is not Sam's password." in body(wrong)
    assert plan_state(app, planned)["status"] == "draft"
    right = client.post(url, data={"for": sam, f"p{sam}-base": base, f"p{sam}-password": password})
    assert right.status_code == 302
    state = plan_state(app, planned)
    assert state["status"] == "agreed"
    assert agreed == [planned.plan_id]
    assert "Agreed" in body(client.get(f"/session/{planned.plan_id}"))
    # The agreed page points at what comes next.
    page = body(client.get(url))
    with app.test_request_context():
        for endpoint in ("week.current", "feeds.settings", "selfcare.index"):
            assert f'href="{url_for(endpoint)}"' in page


def test_changing_owners_clears_agreements(app, client, make):
    planned = plan_for(app, make("Alex", "Sam"))
    alex, sam = planned.member_ids
    login(client, planned.emails[0])
    client.post(f"/session/{planned.plan_id}/agree", data={"base": _agree_base(app, planned)})
    assert plan_state(app, planned)["checkins"][alex][3]
    client.post(
        f"/session/{planned.plan_id}/rebalance/owner",
        data={"item_id": planned.item_ids["Bins"], "owner_id": sam, "base": alex},
    )
    assert not plan_state(app, planned)["checkins"][alex][3]


def test_agree_refuses_a_plan_changed_since(app, client, make):
    planned = plan_for(app, make("Alex", "Sam"))
    login(client, planned.emails[0])
    response = client.post(f"/session/{planned.plan_id}/agree", data={"base": "old"})
    assert response.status_code == 409
    assert "The plan changed since this page was opened" in body(response)
    assert plan_state(app, planned)["checkins"] == {}


def test_partner_password_guessing_is_throttled(app, client, make, password):
    from planner.auth.services import THROTTLE_FAILURES

    planned = plan_for(app, make("Alex", "Sam"))
    sam = planned.member_ids[1]
    login(client, planned.emails[0])
    url = f"/session/{planned.plan_id}/agree"
    base = _agree_base(app, planned)
    for _ in range(THROTTLE_FAILURES):
        client.post(url, data={"for": sam, f"p{sam}-base": base, f"p{sam}-password": "guess guess"})
    locked = client.post(url, data={"for": sam, f"p{sam}-base": base, f"p{sam}-password": password})
    assert locked.status_code == 429
    assert "Too many attempts" in body(locked)
    assert plan_state(app, planned)["checkins"] == {}


def test_nothing_is_proposed_to_someone_on_a_day_they_are_away(app, client, make):
    planned = plan_for(app, make("Alex", "Sam"))
    alex, sam = planned.member_ids
    check_in(app, planned, alex, "blown")
    check_in(app, planned, sam, "okay")
    before = {m.title for m in _proposal(app, planned).proposal.moves if m.to_id == sam}
    assert {"Dishes", "Groceries"} & before  # without away days, Sam would take them
    with committing(app):
        plan = db.session.get(WeekPlan, planned.plan_id)
        saturday = plan.week_start + timedelta(days=5)
        version = plan.version
    login(client, planned.emails[1])
    away = {"first_day": saturday.isoformat(), "last_day": saturday.isoformat(), "note": ""}
    assert client.post("/checkin-again/away", data=away).status_code == 302
    assert plan_state(app, planned)["version"] > version  # open session pages see it
    after = {m.title for m in _proposal(app, planned).proposal.moves if m.to_id == sam}
    # Dishes (daily) and Groceries (Saturdays) fall on Sam's away day; the rest may move.
    assert after and not after & {"Dishes", "Groceries"}
