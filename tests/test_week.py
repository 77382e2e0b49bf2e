"""The week plan: generation from the inventory, the week page and what happens in it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from planner.domain.refusal import Refused
from planner.extensions import db
from planner.models import (
    Area,
    Household,
    Member,
    PlanChange,
    PlanItem,
    PlanOccurrence,
    Responsibility,
    WeekPlan,
)
from planner.week import services
from tests.helpers import body, committing, login

MONDAY = date(2031, 6, 2)  # far from "now": the factories below never meet a real week


def add_responsibility(household_id: int, title: str = "Dishes", **fields) -> Responsibility:
    area = db.session.scalar(select(Area).where(Area.household_id == household_id))
    if area is None:
        area = Area(household_id=household_id, key="home", name="Home", position=0)
        db.session.add(area)
        db.session.flush()
    values = {
        "rrule": "FREQ=DAILY",
        "starts_on": date(2020, 1, 6),
        "effort_minutes": 20,
        "mental_load_minutes": 10,
        **fields,
    }
    responsibility = Responsibility(
        household_id=household_id, area_id=area.id, title=title, **values
    )
    db.session.add(responsibility)
    db.session.commit()
    return responsibility


def household(made) -> Household:
    return db.session.get(Household, made.household_id)


def member(made, index: int = 0) -> Member:
    return db.session.get(Member, made.member_ids[index])


# --- generation -----------------------------------------------------------------------


def test_week_start_follows_household_setting(ctx, make):
    made = make("Alex")
    home = household(made)
    assert services.week_start_for_household(home, date(2026, 11, 26)) == date(2026, 11, 23)
    home.week_start = 6
    assert services.week_start_for_household(home, date(2026, 11, 26)) == date(2026, 11, 22)
    assert services.week_start_for_household(home).weekday() == 6


def test_generation_from_cadences(ctx, make):
    made = make("Alex", "Sam")
    alex, sam = made.member_ids
    add_responsibility(made.household_id, "Dishes", default_owner_id=sam)
    add_responsibility(made.household_id, "Bins", rrule="FREQ=WEEKLY;BYDAY=TH")
    add_responsibility(
        made.household_id,
        "Fortnightly",
        rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
        starts_on=MONDAY + timedelta(days=7),
    )
    add_responsibility(made.household_id, "As needed", rrule=None)
    gone = add_responsibility(made.household_id, "Archived")
    gone.archived_at = datetime.now(UTC)
    db.session.commit()
    version = household(made).version
    plan = services.get_or_create_week_plan(household(made), MONDAY)
    items = {i.title: i for i in plan.items}
    assert set(items) == {"Dishes", "Bins"}
    assert plan.status == "draft"
    assert [o.on_date for o in items["Dishes"].occurrences] == [
        MONDAY + timedelta(days=i) for i in range(7)
    ]
    assert [o.on_date for o in items["Bins"].occurrences] == [MONDAY + timedelta(days=3)]
    assert items["Dishes"].owner_id == sam and items["Bins"].owner_id == alex  # first member
    assert items["Dishes"].effort_minutes == 20 and items["Dishes"].occurrences[0].starts_at is None
    db.session.commit()
    assert household(made).version > version  # feeds and open pages follow
    # Idempotent: the same plan, nothing added.
    again = services.get_or_create_week_plan(household(made), MONDAY)
    assert again.id == plan.id and len(again.items) == 2
    assert db.session.scalar(select(func.count(WeekPlan.id))) == 1


def test_owner_continuity_from_previous_week(ctx, make):
    made = make("Alex", "Sam")
    alex, sam = made.member_ids
    add_responsibility(made.household_id, "Dishes", default_owner_id=alex)
    first = services.get_or_create_week_plan(household(made), MONDAY)
    first.items[0].owner_id = sam
    db.session.commit()
    second = services.get_or_create_week_plan(household(made), MONDAY + timedelta(days=7))
    assert second.items[0].owner_id == sam


def test_pins_and_allowed_members_win_over_continuity(ctx, make):
    made = make("Alex", "Sam", "Kim")
    alex, sam, kim = made.member_ids
    add_responsibility(made.household_id, "Feeding", default_owner_id=alex, pinned=True)
    limited = add_responsibility(made.household_id, "Driving", default_owner_id=None)
    limited.allowed_members = [db.session.get(Member, kim)]
    db.session.commit()
    first = services.get_or_create_week_plan(household(made), MONDAY)
    owners = {i.title: i.owner_id for i in first.items}
    assert owners == {"Feeding": alex, "Driving": kim}
    assert next(i for i in first.items if i.title == "Feeding").pinned
    for item in first.items:  # owners the rules forbid
        item.owner_id = sam
    db.session.commit()
    second = services.get_or_create_week_plan(household(made), MONDAY + timedelta(days=7))
    assert {i.title: i.owner_id for i in second.items} == {"Feeding": alex, "Driving": kim}


def test_dst_week_timed_daily_item(ctx, make):
    """07:30 local every day: 07:30 UTC in GMT, 06:30 UTC once the clocks go forward."""
    made = make("Alex", timezone="Europe/London")
    add_responsibility(made.household_id, "School run", preferred_time=time(7, 30))
    # Clocks go forward on Sunday 29 March 2026; the week starts on Monday 23 March.
    plan = services.get_or_create_week_plan(household(made), date(2026, 3, 23))
    starts = [o.starts_at for o in plan.items[0].occurrences]
    assert len(starts) == 7
    for occurrence_start in starts[:6]:  # GMT: UTC+0
        assert (occurrence_start.hour, occurrence_start.minute) == (7, 30)
    assert starts[6] == datetime(2026, 3, 29, 6, 30, tzinfo=UTC)  # BST: UTC+1
    assert all(s.tzinfo is not None for s in starts)


def test_refresh_draft_keeps_chosen_owners(ctx, make):
    made = make("Alex", "Sam")
    alex, sam = made.member_ids
    dishes = add_responsibility(made.household_id, "Dishes", default_owner_id=alex)
    bins = add_responsibility(made.household_id, "Bins", rrule="FREQ=WEEKLY;BYDAY=TH")
    plan = services.get_or_create_week_plan(household(made), MONDAY)
    next(i for i in plan.items if i.title == "Dishes").owner_id = sam
    db.session.commit()
    version = plan.version
    dishes.title, dishes.effort_minutes = "Washing up", 25
    dishes.rrule = "FREQ=WEEKLY;BYDAY=MO,WE"
    bins.archived_at = datetime.now(UTC)
    add_responsibility(made.household_id, "Laundry", rrule="FREQ=WEEKLY;BYDAY=SA")
    assert services.refresh_draft(plan) is True
    items = {i.title: i for i in plan.items}
    assert set(items) == {"Washing up", "Laundry"}
    assert items["Washing up"].owner_id == sam and items["Washing up"].effort_minutes == 25
    assert [o.on_date.weekday() for o in items["Washing up"].occurrences] == [0, 2]
    assert plan.version > version
    assert services.refresh_draft(plan) is False  # nothing more to do
    plan.status = "agreed"
    add_responsibility(made.household_id, "Windows")
    assert services.refresh_draft(plan) is False
    assert "Windows" not in {i.title for i in plan.items}


def test_loads_are_kindness_aware(ctx, make):
    made = make("Alex", "Sam")
    alex, sam = made.member_ids
    add_responsibility(made.household_id, "Dishes", default_owner_id=alex)  # 20×7 + 10
    add_responsibility(
        made.household_id,
        "Bins",
        rrule="FREQ=WEEKLY;BYDAY=TH",
        default_owner_id=sam,
        effort_minutes=5,
        mental_load_minutes=0,
    )
    plan = services.get_or_create_week_plan(household(made), MONDAY)
    dishes = next(i for i in plan.items if i.title == "Dishes")
    assert services.item_week_load(dishes) == 150
    assert services.member_loads(plan) == {
        alex: {"doing": 140, "mental": 10},
        sam: {"doing": 5, "mental": 0},
    }
    # Waiting takes all of it; outside help the doing (arranging it stays); simpler half.
    for choice, expected in (("defer", 0), ("drop", 0), ("outsource", 10), ("lower_standard", 75)):
        dishes.kindness = choice
        assert services.item_week_load(dishes) == expected
    dishes.kindness = "drop"
    assert services.member_loads(plan)[alex] == {"doing": 0, "mental": 0}


def test_done_reopen_skip_and_history_after_agreement(ctx, make):
    made = make("Alex", "Sam")
    add_responsibility(made.household_id, "Dishes", default_owner_id=made.member_ids[0])
    plan = services.get_or_create_week_plan(household(made), MONDAY)
    occurrence = plan.items[0].occurrences[0]
    alex, sam = member(made, 0), member(made, 1)
    services.mark_done(occurrence, alex)
    assert (occurrence.state, occurrence.done_by_id) == ("done", alex.id)
    assert db.session.scalar(select(func.count(PlanChange.id))) == 0  # a draft keeps no history
    plan.status = "agreed"
    db.session.commit()
    services.reopen(occurrence, alex)
    assert (occurrence.state, occurrence.done_by_id, occurrence.done_at) == ("open", None, None)
    services.mark_done(occurrence, sam)
    with pytest.raises(Refused):
        services.skip(occurrence, alex, "   ")
    services.skip(occurrence, alex, "Ate out")
    assert (occurrence.state, occurrence.skip_reason) == ("skipped", "Ate out")
    texts = [c.text for c in services.plan_history(plan)]
    assert texts[0] == "Alex skipped Dishes: Ate out"
    assert "Sam did Dishes (carried)." in texts


def test_any_change_calendars_show_raises_the_items_sequence(ctx, make):
    made = make("Alex", "Sam")
    add_responsibility(made.household_id, "Dishes", default_owner_id=made.member_ids[0])
    plan = services.get_or_create_week_plan(household(made), MONDAY)
    item = plan.items[0]
    start = item.sequence
    services.skip(item.occurrences[0], member(made, 0), "Ate out")
    assert item.sequence == start + 1  # a skipped day leaves the calendar
    item.owner_id = made.member_ids[1]  # whichever feature writes it
    db.session.commit()
    assert item.sequence == start + 2
    item.mental_load_minutes += 5  # not on any calendar
    db.session.commit()
    assert item.sequence == start + 2


def test_one_off(ctx, make):
    made = make("Alex", "Sam")
    plan = services.get_or_create_week_plan(household(made), MONDAY)
    alex = member(made, 0)
    item = services.add_one_off(
        plan, alex, " Birthday cake ", MONDAY + timedelta(days=2), 60, alex.id, time(18, 0)
    )
    assert item.title == "Birthday cake" and item.responsibility_id is None
    assert item.occurrences[0].starts_at == datetime(2031, 6, 4, 17, 0, tzinfo=UTC)
    for bad in (
        {"title": ""},
        {"on_date": MONDAY + timedelta(days=7)},
        {"effort_minutes": 601},
        {"owner_id": 999999},
    ):
        args = {"title": "x", "on_date": MONDAY, "effort_minutes": 5, "owner_id": alex.id, **bad}
        with pytest.raises(Refused):
            services.add_one_off(plan, alex, **args)


# --- the week page ----------------------------------------------------------------------


def this_monday(app, made) -> date:
    with committing(app):
        return services.week_start_for_household(db.session.get(Household, made.household_id))


def page_plan(app, made, week_start: date) -> WeekPlan:
    with committing(app):
        plan = services.find_week_plan(db.session.get(Household, made.household_id), week_start)
        for item in plan.items:
            item.occurrences  # noqa: B018  (loaded while the session is open)
        return plan


def test_week_page_shows_the_plan(app, client, make):
    made = make("Alex", "Sam")
    alex, sam = made.member_ids
    with committing(app):
        add_responsibility(
            made.household_id, "Dishes", default_owner_id=alex, preferred_time=time(20, 30)
        )
        add_responsibility(
            made.household_id, "Bins", rrule="FREQ=WEEKLY;BYDAY=TH", default_owner_id=sam
        )
    login(client, made.emails[0])
    monday = this_monday(app, made)
    empty = body(client.get("/week"))
    assert "No plan for this week yet" in empty and "Make this week's plan" in empty
    made_plan = client.post(f"/week/{monday.isoformat()}/plan", data={"mine": "1"})
    assert made_plan.status_code == 302
    assert made_plan.location.endswith(f"/week/{monday.isoformat()}?mine=1")
    response = client.get("/week")
    assert response.status_code == 200
    today = body(response)  # by day: today open, every other day a line
    assert "Draft" in today and "20:30</span> Dishes" in today
    text = body(client.get("/week?all=1"))
    assert "Draft" in text and text.count("Dishes") >= 7 and "20:30" in text and "Bins" in text
    mine = body(client.get("/week?mine=1"))
    assert "Dishes" in mine and "Bins" not in mine.split("Add a one-off")[0]
    assert client.get(f"/week/{monday.isoformat()}").status_code == 200
    wednesday = client.get(f"/week/{(monday + timedelta(days=2)).isoformat()}?mine=1")
    assert wednesday.status_code == 302
    assert wednesday.location.endswith(f"/week/{monday.isoformat()}?mine=1")
    next_week = (monday + timedelta(days=7)).isoformat()
    upcoming = client.get(f"/week/{next_week}")
    assert upcoming.status_code == 200 and "No plan for this week yet" in body(upcoming)
    assert client.post(f"/week/{next_week}/plan").status_code == 302
    assert "Dishes" in body(client.get(f"/week/{next_week}"))
    past = client.get(f"/week/{(monday - timedelta(days=70)).isoformat()}")
    assert past.status_code == 200 and "No plan was made for this week." in body(past)
    assert client.get("/week/not-a-date").status_code == 404
    assert client.get(f"/week/{(monday + timedelta(weeks=60)).isoformat()}").status_code == 404


def test_week_of_another_household_is_your_own(app, client, make):
    home, other = make("Alex", "Sam"), make("Kim")
    with committing(app):
        add_responsibility(home.household_id, "Secret chore")
    login(client, other.emails[0])
    monday = this_monday(app, other)
    assert "Secret chore" not in body(client.get(f"/week/{monday.isoformat()}"))
    client.post(
        f"/week/{monday.isoformat()}/items",
        data={
            "title": "Mine",
            "on_date": monday.isoformat(),
            "effort_minutes": "5",
            "owner_id": str(other.member_ids[0]),
        },
    )
    with committing(app):
        assert services.find_week_plan(db.session.get(Household, home.household_id), monday) is None


def test_done_undo_skip_through_the_page(app, client, make):
    made = make("Alex", "Sam")
    with committing(app):
        add_responsibility(made.household_id, "Dishes", default_owner_id=made.member_ids[0])
    login(client, made.emails[0])
    monday = this_monday(app, made)
    client.post(f"/week/{monday.isoformat()}/plan")
    occurrence_id = page_plan(app, made, monday).items[0].occurrences[0].id
    response = client.post(f"/week/occurrences/{occurrence_id}/done", data={"mine": "1"})
    assert response.status_code == 302 and "mine=1" in response.location
    assert response.location.endswith(f"#occ-{occurrence_id}")
    with committing(app):
        assert db.session.get(PlanOccurrence, occurrence_id).state == "done"
    assert f"day={monday.isoformat()}" in response.location  # the week open on that day
    assert "Undo" in body(client.get(response.location))
    assert client.post(f"/week/occurrences/{occurrence_id}/undo").status_code == 302
    bad = client.post(
        f"/week/occurrences/{occurrence_id}/skip", data={f"skip-{occurrence_id}-reason": ""}
    )
    assert bad.status_code == 422 and "Say briefly why" in body(bad)
    long = client.post(
        f"/week/occurrences/{occurrence_id}/skip", data={f"skip-{occurrence_id}-reason": "x" * 301}
    )
    assert long.status_code == 422 and "Up to 300 characters." in body(long)
    with committing(app):
        assert db.session.get(PlanOccurrence, occurrence_id).state == "open"
    ok = client.post(
        f"/week/occurrences/{occurrence_id}/skip", data={f"skip-{occurrence_id}-reason": "Ate out"}
    )
    assert ok.status_code == 302 and ok.location.endswith(f"#occ-{occurrence_id}")
    page = body(client.get(ok.location))
    assert "wk-skipped" in page and "Ate out" in page


def test_one_off_through_the_page(app, client, make):
    made = make("Alex", "Sam")
    login(client, made.emails[0])
    monday = this_monday(app, made)
    url = f"/week/{monday.isoformat()}/items"
    good = {
        "title": "Birthday cake",
        "on_date": (monday + timedelta(days=4)).isoformat(),
        "start_time": "17:00",
        "effort_minutes": "60",
        "owner_id": str(made.member_ids[1]),
    }
    for bad, message in (
        ({"title": ""}, "Say what needs doing."),
        ({"title": "x" * 121}, "Up to 120 characters."),
        ({"effort_minutes": "601"}, "Between 0 and 600 minutes."),
        ({"on_date": (monday + timedelta(days=9)).isoformat()}, "Not a valid choice"),
        ({"owner_id": "999999"}, "Not a valid choice"),
        ({"start_time": "99:99"}, "Not a valid time"),
    ):
        response = client.post(url, data={**good, **bad})
        assert response.status_code == 422, bad
        assert message in body(response), bad
    with committing(app):
        assert db.session.scalar(select(func.count(PlanItem.id))) == 0
    response = client.post(url, data=good)
    assert response.status_code == 302
    friday = (monday + timedelta(days=4)).isoformat()
    assert response.location.endswith(f"/week/{monday.isoformat()}?day={friday}#day-{friday}")
    text = body(client.get(response.location))
    assert "17:00</span> Birthday cake" in text
    past = (monday - timedelta(days=7)).isoformat()
    assert client.post(f"/week/{past}/items", data={**good, "on_date": past}).status_code == 404


def test_week_pages_need_sign_in(client):
    assert client.get("/week").status_code == 302


def test_looking_at_a_week_writes_nothing(app, client, make):
    made = make("Alex", "Sam")
    with committing(app):
        add_responsibility(made.household_id, "Dishes", default_owner_id=made.member_ids[0])
        version = db.session.get(Household, made.household_id).version
    monday = this_monday(app, made)
    later = monday + timedelta(weeks=3)
    login(client, made.emails[0])
    for url in ("/week", "/week?mine=1", f"/week/{later.isoformat()}", f"/week/{monday}"):
        assert client.get(url).status_code == 200
    with committing(app):
        assert db.session.get(Household, made.household_id).version == version
        mine = select(func.count(WeekPlan.id)).where(WeekPlan.household_id == made.household_id)
        assert db.session.scalar(mine) == 0
    response = client.post(f"/week/{later.isoformat()}/plan")
    assert response.status_code == 302 and response.location.endswith(f"/week/{later}")
    with committing(app):
        assert db.session.get(Household, made.household_id).version > version
        starts = select(WeekPlan.week_start).where(WeekPlan.household_id == made.household_id)
        assert db.session.scalars(starts).all() == [later]
    assert "Dishes" in body(client.get(f"/week/{later.isoformat()}"))
    # Making it again keeps the one plan; past weeks and bad dates are refused.
    assert client.post(f"/week/{later.isoformat()}/plan").status_code == 302
    past = (monday - timedelta(days=7)).isoformat()
    for bad in (past, "not-a-date", (monday + timedelta(weeks=60)).isoformat()):
        assert client.post(f"/week/{bad}/plan").status_code == 404
    with committing(app):
        assert db.session.scalar(mine) == 1


def test_a_day_is_taken_only_by_a_member_allowed_to_hold_it(ctx, make):
    from planner.week import handovers

    made = make("Alex", "Sam", "Kim")
    driving = add_responsibility(made.household_id, "Driving", default_owner_id=made.member_ids[0])
    driving.allowed_members = [member(made, 0), member(made, 1)]
    db.session.commit()
    plan = services.get_or_create_week_plan(household(made), MONDAY)
    plan.status = "agreed"
    day = plan.items[0].occurrences[0]
    with pytest.raises(Refused, match="stays with its owner"):
        handovers.take(day, member(made, 2), MONDAY, rest_of_week=False)
    with pytest.raises(Refused, match="stays with its owner"):
        handovers.ask(day, member(made, 0), member(made, 2), MONDAY, rest_of_week=False)
    assert len(handovers.take(day, member(made, 1), MONDAY, rest_of_week=False)) == 1
    assert day.holder_id == made.member_ids[1] and plan.items[0].owner_id == made.member_ids[0]
