"""Weekly time together: set on the self-care page or in the session, both members',
in both calendars, kept clear of the week's work, reminded to both, kept or skipped by
either, and seen over the weeks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from sqlalchemy import select

from planner.extensions import db
from planner.models import Household, Member, Reminder, SelfCareSlot, SelfCareWeek, WeekPlan
from planner.reminders.outbox import sync_household
from planner.reminders.schedule import selfcare_key
from planner.reminders.sender import send_due
from planner.selfcare import services
from planner.session import pages
from planner.session.calendar import look_back
from tests.helpers import body, committing, links_in, login
from tests.test_kindness import _feed
from tests.test_reminders import _path
from tests.test_session_helpers import check_in, plan_for

# A Wednesday morning in London's winter time, far from any clock change.
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
THIS_WEEK = date(2026, 11, 23)  # a Monday: households start their week on Monday
DATE_NIGHT = {
    "together-title": "Date night",
    "together-weekday": "4",
    "together-start_time": "19:00",
    "together-minutes": "120",
}


def _slots(app, household_id: int) -> list[tuple[str, int | None]]:
    with committing(app):
        return [
            (s.title, s.member_id)
            for s in db.session.scalars(
                select(SelfCareSlot).where(SelfCareSlot.household_id == household_id)
            )
        ]


def _together(made, title="A walk", weekday=2, at=time(10, 20), minutes=60) -> int:
    """Time together made through the service, as either member would (committed)."""
    member = db.session.get(Member, made.member_ids[0])
    slot = services.add_slot(member, title, weekday, at, minutes, together=True)
    slot.created_at = datetime(2026, 1, 5, tzinfo=UTC)
    db.session.commit()
    return slot.id


@time_machine.travel(NOW, tick=False)
def test_time_together_belongs_to_both_and_is_in_both_calendars(app, client, make):
    made = make("Alex", "Sam")
    login(client, made.emails[0])
    answer = client.post("/selfcare/together", data=DATE_NIGHT, follow_redirects=True)
    assert answer.status_code == 200
    assert "“Date night” is now time together for both of you, every week." in body(answer)
    assert _slots(app, made.household_id) == [("Date night", None)]
    # In both members' feeds, and no one is "on duty" for it.
    alex_feed = _feed(client, "member")
    login(client, made.emails[1])
    sam_feed = _feed(client, "member")
    for feed in (alex_feed, sam_feed):
        assert "Time together: Date night | Time for the two of you" in feed
        assert "On duty" not in feed
    page = body(client.get("/selfcare"))
    together = page.split('id="together"')[1].split("</section>")[0]
    assert "Date night" in together and "Fridays, 19:00, 120 min" in together
    week = page.split('id="week"')[1].split("</section>")[0]
    assert "Date night</strong> · Together" in week and "on duty" not in week
    # Sam, who did not set it, may skip this week's; it leaves both calendars for the week.
    with committing(app):
        slot_id = db.session.scalar(select(SelfCareSlot.id))
    skipped = client.post(
        f"/selfcare/slots/{slot_id}/weeks/{THIS_WEEK.isoformat()}", data={"action": "skip"}
    )
    assert skipped.status_code == 302
    assert "Both your calendars update" in body(client.get("/selfcare"))
    with committing(app):
        assert db.session.scalar(select(SelfCareWeek.status)) == "skipped"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"together-title": ""}, "Give your time a name"),
        ({"together-minutes": "5"}, "Between 15 minutes and 10 hours."),
        ({"together-start_time": "late"}, "Not a valid time value."),
        ({"together-weekday": "9"}, "Not a valid choice"),
    ],
)
def test_bad_time_together_is_refused_and_saves_nothing(app, client, make, change, message):
    made = make("Alex", "Sam")
    planned = plan_for(app, make("Kim", "Lee"))
    login(client, made.emails[0])
    answer = client.post("/selfcare/together", data={**DATE_NIGHT, **change})
    assert answer.status_code == 422 and message in body(answer)
    assert _slots(app, made.household_id) == []
    # The same in the session's step, shown beside the form there.
    login(client, planned.emails[0])
    answer = client.post(f"/session/{planned.plan_id}/together", data={**DATE_NIGHT, **change})
    assert answer.status_code == 422 and message in body(answer)
    assert 'id="together"' in body(answer)
    assert _slots(app, planned.household_id) == []


def test_set_in_the_session_and_kept_clear_of_the_weeks_work(app, client, make):
    from planner.models import Responsibility

    rows = (("Cooking", "FREQ=DAILY", 45, 10), ("Laundry", "FREQ=WEEKLY;BYDAY=MO", 60, 0))
    planned = plan_for(app, make("Alex", "Sam"), rows=rows)
    alex, sam = planned.member_ids
    with committing(app):
        db.session.execute(
            db.update(Responsibility)
            .where(Responsibility.title == "Cooking")
            .values(preferred_time=time(19, 30))
        )
        pages.services.week_services.refresh_draft(db.session.get(WeekPlan, planned.plan_id))
    login(client, planned.emails[1])
    url = f"/session/{planned.plan_id}/selfcare"
    assert "Protect your time" in body(client.get(url))
    answer = client.post(f"/session/{planned.plan_id}/together", data=DATE_NIGHT)
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"{url}#together")
    page = body(client.get(url))
    assert "<strong>Date night</strong> Friday 19:00" in page
    assert "Date night on Fri 19:00 clashes with Alex's Cooking." in page
    # Alex is blown, but at 19:30 on Friday neither of them is free: cooking stays, and
    # the page says why instead of double-booking Sam.
    check_in(app, planned, alex, "blown")
    check_in(app, planned, sam, "okay")
    rebalance = body(client.get(f"/session/{planned.plan_id}/rebalance"))
    assert "Cooking stays with Alex: no one else is free then (Date night together is Friday " in (
        rebalance
    )
    assert "Sam takes Laundry" in rebalance


@time_machine.travel(NOW, tick=True)
def test_both_are_reminded_and_either_may_say_it_was_kept(smtp_app, smtp_server, make, client):
    made = make("Alex", "Sam")
    with smtp_app.app_context():
        slot_id = _together(made)  # a walk at 10:20, in twenty minutes
        sync_household(db.session.get(Household, made.household_id))
        db.session.commit()
        assert send_due().sent == 2
    messages = [smtp_server.to(email)[0] for email in made.emails]
    for msg, partner in zip(messages, ("Sam", "Alex"), strict=True):
        assert msg["Subject"] == "In 30 minutes: time together, A walk"
        text = msg.get_body(("plain",)).get_content()
        assert f"with {partner}" in text and "on duty" not in text and "We had it" in text
        (attachment,) = list(msg.iter_attachments())
        assert attachment.get_filename() == "time-together.ics"
    with smtp_app.app_context():
        reminded = db.session.scalars(
            select(Reminder.member_id).where(
                Reminder.occurrence_key == selfcare_key(slot_id, THIS_WEEK)
            )
        )
        assert sorted(reminded) == sorted(made.member_ids)  # one each
    sams = messages[1].get_body(("plain",)).get_content()
    kept, _skip = (u for u in links_in(sams) if "/reminders/slot?" in u)
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        page = client.get(_path(kept))
        assert page.status_code == 200 and "Yes, we had it" in body(page)
        done = client.post(_path(kept))
    assert done.status_code == 200 and "glad you had it" in body(done)
    with smtp_app.app_context():
        week = db.session.scalar(select(SelfCareWeek))
        assert (week.slot_id, week.outcome) == (slot_id, "kept")


@time_machine.travel(NOW, tick=False)
def test_time_together_kept_over_the_weeks_is_seen_gently(app, client, make):
    made = make("Alex", "Sam")
    with committing(app):
        slot_id = _together(made, weekday=5, at=time(20, 0))
        slot = db.session.get(SelfCareSlot, slot_id)
        household = db.session.get(Household, made.household_id)
        for weeks_ago in (1, 2):
            week = THIS_WEEK - timedelta(weeks=weeks_ago)
            services.mark_outcome(slot, week, "kept" if weeks_ago == 1 else "missed")
        rates = services.keep_rates(household, weeks=2)
        plan = WeekPlan(household_id=household.id, week_start=THIS_WEEK)
        last_week = look_back(household, plan).together
    assert (last_week.kept, last_week.skipped) == (1, 0)  # the session's look back says so
    assert [(kept, planned) for _, kept, planned in rates[None]] == [(0, 1), (1, 1)]
    assert all(planned == 0 for _, _, planned in rates[made.member_ids[0]])
    login(client, made.emails[1])
    insights = body(client.get("/insights"))
    assert "You had time together 1 of the 12 times you planned." in insights
    kept = body(client.get("/selfcare")).split('id="keep-rate"')[1]
    assert "You had time together 1 of the 12 times you planned." in kept
