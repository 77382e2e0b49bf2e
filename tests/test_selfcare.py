"""Self-care slots: per-member slots, one week's moves and skips, outcomes, rescheduling."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select

from planner.domain.week import local_to_utc
from planner.extensions import db
from planner.models import Household, SelfCareSlot, SelfCareWeek, WeekPlan
from planner.selfcare import services
from planner.session.clashes import week_clashes
from planner.week.services import week_start_for_household
from tests.helpers import body, committing, login
from tests.selfcare_helpers import add_plan_item, add_slot


def test_add_slot_shows_on_page_and_partner_is_on_duty(app, client, make):
    home = make("Alex", "Sam")
    login(client, home.emails[0])
    response = client.post(
        "/selfcare/slots", data={"title": "Run", "weekday": 1, "start_time": "18:30", "minutes": 60}
    )
    assert response.status_code == 302
    with committing(app):
        slot = db.session.query(SelfCareSlot).one()
        assert (slot.title, slot.weekday, slot.start_time, slot.minutes) == (
            "Run",
            1,
            time(18, 30),
            60,
        )
        assert db.session.get(Household, home.household_id).version > 1
    client.post("/logout")
    login(client, home.emails[1])
    page = body(client.get("/selfcare"))
    assert "When you're on duty" in page and "Alex's <strong>Run</strong>" in page
    assert "You are on duty" in page


def test_add_slot_bad_input_is_422_and_saves_nothing(app, client, make):
    home = make()
    login(client, home.emails[0])
    response = client.post(
        "/selfcare/slots", data={"title": "", "weekday": 1, "start_time": "", "minutes": 5}
    )
    assert response.status_code == 422
    page = body(response)
    assert "Give your time a name" in page and "Between 15 minutes" in page
    with committing(app):
        assert db.session.query(SelfCareSlot).count() == 0


def test_edit_and_archive_own_slot_only(app, client, make):
    home = make("Alex", "Sam")
    with committing(app):
        mine = add_slot(home, 0, "Run", 1, time(18, 30), 60).id
        theirs = add_slot(home, 1, "Pottery", 5, time(9), 120).id
    login(client, home.emails[0])
    assert client.get(f"/selfcare/slots/{mine}/edit").status_code == 200
    bad = client.post(
        f"/selfcare/slots/{mine}/edit",
        data={"title": "Run", "weekday": 9, "start_time": "x", "minutes": 60},
    )
    assert bad.status_code == 422
    ok = client.post(
        f"/selfcare/slots/{mine}/edit",
        data={"title": "Long run", "weekday": 2, "start_time": "07:00", "minutes": 90},
    )
    assert ok.status_code == 302
    assert client.get(f"/selfcare/slots/{theirs}/edit").status_code == 403
    assert client.post(f"/selfcare/slots/{theirs}/archive").status_code == 403
    assert client.post(f"/selfcare/slots/{mine}/archive").status_code == 302
    with committing(app):
        slot = db.session.get(SelfCareSlot, mine)
        assert slot.title == "Long run" and slot.archived_at is not None and slot.sequence >= 2
        assert db.session.get(SelfCareSlot, theirs).archived_at is None


def test_skip_and_restore(app, client, make):
    home = make("Alex", "Sam")
    with committing(app):
        household = db.session.get(Household, home.household_id)
        week = week_start_for_household(household) + timedelta(weeks=1)
        slot = add_slot(home, 0, "Run", 1, time(18, 30), 60)
        slot_id = slot.id
    login(client, home.emails[0])
    url = f"/selfcare/slots/{slot_id}/weeks/{week.isoformat()}"
    assert client.post(url, data={"action": "skip"}).status_code == 302
    with committing(app):
        household = db.session.get(Household, home.household_id)
        (only,) = services.week_slots(household, week)
        assert only.status == "skipped"
    assert client.post(url, data={"action": "restore"}).status_code == 302
    assert client.post(url, data={"action": "nonsense"}).status_code == 422
    # Kept can't be marked before the time has come.
    assert client.post(url, data={"action": "kept"}).status_code == 422
    with committing(app):
        household = db.session.get(Household, home.household_id)
        (only,) = services.week_slots(household, week)
        assert only.status == "planned"


def test_mark_kept_afterwards_and_keep_rates(app, client, make):
    home = make("Alex", "Sam")
    with committing(app):
        household = db.session.get(Household, home.household_id)
        last_week = week_start_for_household(household) - timedelta(weeks=1)
        slot_id = add_slot(home, 0, "Run", 1, time(18, 30), 60).id
    login(client, home.emails[0])
    response = client.post(f"/selfcare/slots/{slot_id}/weeks/{last_week}", data={"action": "kept"})
    assert response.status_code == 302
    with committing(app):
        household = db.session.get(Household, home.household_id)
        rates = services.keep_rates(household, weeks=4)
        assert rates[home.member_ids[0]][-1] == (last_week, 1, 1)
        assert rates[home.member_ids[1]][-1] == (last_week, 0, 0)
    page = body(client.get("/selfcare"))
    assert "Alex kept 1 of" in page and "<svg" in page


def test_missed_leads_to_reschedule_with_free_times(app, client, make):
    home = make("Alex", "Sam")
    with committing(app):
        household = db.session.get(Household, home.household_id)
        next_week = week_start_for_household(household) + timedelta(weeks=1)
        slot_id = add_slot(home, 0, "Run", 1, time(18, 30), 60).id
    login(client, home.emails[0])
    url = f"/selfcare/slots/{slot_id}/weeks/{next_week}/reschedule"
    page = client.get(url)
    assert page.status_code == 200 and "Another time for" in body(page)
    bad = client.post(
        url, data={"day": (next_week - timedelta(days=3)).isoformat(), "time": "10:00"}
    )
    assert bad.status_code == 422 and "Pick a day in this week" in body(bad)
    assert client.post(url, data={"start": "not a time"}).status_code == 422
    target = next_week + timedelta(days=3)
    assert client.post(url, data={"day": target.isoformat(), "time": "07:30"}).status_code == 302
    with committing(app):
        row = db.session.query(SelfCareWeek).one()
        tz = ZoneInfo("Europe/London")
        assert row.status == "moved" and row.moved_start == local_to_utc(target, time(7, 30), tz)


def test_free_times_avoid_own_work_partner_selfcare_and_busy(app, make):
    home = make("Alex", "Sam")
    with committing(app):
        household = db.session.get(Household, home.household_id)
        tz = household.tz
        week = week_start_for_household(household) + timedelta(weeks=1)
        slot = add_slot(home, 0, "Run", 1, time(18, 30), 60)
        add_slot(home, 1, "Pottery", 2, time(7), 600)  # partner busy Wed 07:00-17:00
        add_plan_item(
            home,
            week,
            "School run",
            0,
            [week + timedelta(days=2)],
            at=lambda d: local_to_utc(d, time(17), tz),
            effort=60,
        )
        now = local_to_utc(week, time(0), tz)
        found = services_free_times(household, slot, week, now)
        wednesday = [s for s in found if s.date() == week + timedelta(days=2)]
        assert wednesday and all(s.time() >= time(18) for s in wednesday)
        assert all(s.tzinfo is not None for s in found)


def services_free_times(household, slot, week, now):
    from planner.selfcare.suggest import free_times

    return free_times(household, slot, week, now)


def test_clashes_with_self_care_for_timed_occurrences_only(app, make):
    home = make("Alex", "Sam")
    with committing(app):
        household = db.session.get(Household, home.household_id)
        tz = household.tz
        week = week_start_for_household(household)
        add_slot(home, 0, "Run", 1, time(18, 30), 60)
        tuesday = week + timedelta(days=(1 - week.weekday()) % 7)
        clash = add_plan_item(
            home,
            week,
            "Bath time",
            1,
            [tuesday],
            at=lambda d: local_to_utc(d, time(18), tz),
            effort=45,
        )
        fine = add_plan_item(
            home,
            week,
            "Dinner",
            1,
            [tuesday],
            at=lambda d: local_to_utc(d, time(17), tz),
            effort=30,
        )
        untimed = add_plan_item(home, week, "Laundry", 1, [tuesday])
        plan = db.session.scalar(select(WeekPlan).where(WeekPlan.of_week(household.id, week)))
        found = week_clashes(plan, household)
        assert set(found[clash.id]) == {home.member_ids[0]}
        assert (
            "'s Run is Tuesday 18:30–19:30, when Bath time is due"
            in found[clash.id][home.member_ids[0]]
        )
        assert found[fine.id] == {} and found[untimed.id] == {}


@time_machine.travel(datetime(2026, 11, 25, 12, tzinfo=UTC), tick=True)
def test_week_slots_partial_and_bad_week(app, client, make):
    home = make()
    with committing(app):
        add_slot(home, 0, "Run", 1, time(18, 30), 60)
    login(client, home.emails[0])
    assert client.get("/selfcare?week=2026-13-40").status_code == 404
    before = datetime.now(UTC).date() - timedelta(weeks=100)  # inside the five-year window
    page = body(client.get(f"/selfcare?week={before.isoformat()}"))
    assert "No self-care time in this week yet" in page  # before the slot existed
    assert client.get("/selfcare?week=2020-03-10").status_code == 404  # outside it


def test_demo_step_is_registered_and_idempotent(app, make):
    from planner.demo import DEMO_STEPS
    from planner.selfcare.demo import add_demo_selfcare

    assert any(step.__name__ == "_selfcare_step" for step in DEMO_STEPS)
    home = make("Alex", "Sam")
    with committing(app):
        household = db.session.get(Household, home.household_id)
        add_demo_selfcare(household)
        db.session.commit()
        add_demo_selfcare(household)
        db.session.commit()
        slots = db.session.query(SelfCareSlot).order_by(SelfCareSlot.id).all()
        assert [(s.title, s.weekday, s.start_time, s.minutes, s.together) for s in slots] == [
            ("Run", 1, time(18, 30), 60, False),
            ("Pottery", 5, time(9), 120, False),
            ("A walk together", 6, time(10), 60, True),
        ]
        assert (
            db.session.query(SelfCareWeek).filter(SelfCareWeek.outcome.is_not(None)).count() == 15
        )
        rates = services.keep_rates(household, weeks=6)
        assert sum(k for _, k, _ in rates[slots[0].member_id]) == 4
        assert [(k, p) for _, k, p in rates[None]] == [
            (1, 1),
            (0, 1),
            (1, 1),
            (0, 1),
            (1, 1),
            (1, 1),
        ]


def test_now_helpers_are_aware():
    assert (
        local_to_utc(datetime(2026, 3, 29).date(), time(2, 30), ZoneInfo("Europe/Berlin")).tzinfo
        == UTC
    )


def test_moves_into_the_past_are_refused(app, client, make):
    home = make()
    with committing(app):
        household = db.session.get(Household, home.household_id)
        week = week_start_for_household(household) - timedelta(weeks=1)
        slot_id = add_slot(home, 0, "Run", 1, time(18, 30), 60).id
        past = local_to_utc(week, time(9, 30), household.tz)
    login(client, home.emails[0])
    url = f"/selfcare/slots/{slot_id}/weeks/{week}/reschedule"
    response = client.post(url, data={"start": past.isoformat()})
    assert response.status_code == 422 and "hasn't passed yet" in body(response)
    with committing(app):
        assert db.session.query(SelfCareWeek).count() == 0


def test_an_outcome_marked_early_replaces_skip_and_move_and_can_be_undone(app, client, make):
    home = make("Alex", "Sam")
    with committing(app):
        household = db.session.get(Household, home.household_id)
        week = week_start_for_household(household) + timedelta(weeks=1)
        slot = add_slot(home, 0, "Run", 1, time(18, 30), 60)
        slot_id = slot.id
        # As a reminder's "I kept it" link records it: before the slot starts.
        db.session.add(
            SelfCareWeek(
                household_id=home.household_id,
                slot_id=slot_id,
                week_start=week,
                original_start=services.slot_start(household, slot, week),
                status="planned",
                outcome="kept",
            )
        )
        db.session.commit()
    login(client, home.emails[0])
    page = body(client.get(f"/selfcare?week={week.isoformat()}"))
    assert "kept</span>" in page and 'aria-label="Undo: Run kept"' in page
    assert "Skip this week" not in page and ">Move<" not in page
    url = f"/selfcare/slots/{slot_id}/weeks/{week.isoformat()}"
    assert client.post(url, data={"action": "undo"}).status_code == 302
    page = body(client.get(f"/selfcare?week={week.isoformat()}"))
    assert "Skip this week" in page and ">Move<" in page and "Undo" not in page
    assert client.post(url, data={"action": "undo"}).status_code == 422  # nothing to undo
