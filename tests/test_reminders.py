"""Reminder emails against a real SMTP server: content, attachment, one-click links,
preferences, lead times across daylight-saving changes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import time_machine
from icalendar import Calendar
from sqlalchemy import func, select

from planner.extensions import db
from planner.models import Household, Member, Reminder, SelfCareSlot, SelfCareWeek
from planner.reminders import links
from planner.reminders.outbox import sync_household
from planner.reminders.sender import send_due
from tests.helpers import body, committing, links_in, login


def add_slot(member_id: int, local_start: datetime, minutes: int = 60, title: str = "Run") -> int:
    """A weekly slot on local_start's weekday and wall time (created a month earlier)."""
    member = db.session.get(Member, member_id)
    slot = SelfCareSlot(
        household_id=member.household_id,
        member_id=member_id,
        title=title,
        weekday=local_start.weekday(),
        start_time=local_start.time().replace(second=0, microsecond=0),
        minutes=minutes,
        created_at=datetime(2020, 1, 1, tzinfo=UTC),
    )
    db.session.add(slot)
    db.session.commit()
    return slot.id


def move_to_thursday_morning(household_id: int, slot_id: int) -> SelfCareWeek:
    """Move the slot's Wednesday 3 June 2026, 17:00 UTC, to Thursday 06:00 UTC."""
    week = SelfCareWeek(
        household_id=household_id,
        slot_id=slot_id,
        week_start=datetime(2026, 6, 1).date(),
        original_start=datetime(2026, 6, 3, 17, 0, tzinfo=UTC),
        status="moved",
        moved_start=datetime(2026, 6, 4, 6, 0, tzinfo=UTC),
    )
    db.session.add(week)
    db.session.commit()
    return week


def soon(household_id: int, minutes: int) -> datetime:
    """A local wall time about `minutes` from now in the household's zone (whole minute)."""
    zone = ZoneInfo(db.session.get(Household, household_id).timezone)
    return (
        (datetime.now(UTC) + timedelta(minutes=minutes))
        .astimezone(zone)
        .replace(second=0, microsecond=0)
    )


# The tests that send "the reminder due now" run at a quiet moment: a Wednesday morning in
# London's winter time, far from the Sunday planning reminder (whose email would also be
# due) and from a clock change (when a wall time 20 minutes ahead can happen twice).
QUIET = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def _send_selfcare_reminder(smtp_app, smtp_server, made):
    """Alex's slot starts in 20 minutes: the 30-minute reminder is due and is sent."""
    with smtp_app.app_context():
        start = soon(made.household_id, 20)
        slot_id = add_slot(made.member_ids[0], start, title="Morning run")
        add_slot(made.member_ids[1], soon(made.household_id, 25), title="Pottery")
        household = db.session.get(Household, made.household_id)
        sync_household(household)
        db.session.commit()
        outcome = send_due()
    assert outcome.sent >= 1, outcome
    (msg,) = smtp_server.to(made.emails[0])
    return msg, slot_id, start


@time_machine.travel(QUIET, tick=True)
def test_selfcare_reminder_content_attachment_and_headers(smtp_app, smtp_server, make):
    made = make("Alex", "Sam")
    msg, slot_id, start = _send_selfcare_reminder(smtp_app, smtp_server, made)
    assert msg["Subject"] == "In 30 minutes: your time for Morning run"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "Morning run" in text and start.strftime("%H:%M") in text
    assert "Sam is on duty" in text and "I kept it" in html and "find another time" in html
    assert msg["List-Unsubscribe"].startswith("<http://planner.test/reminders/preferences?token=")
    assert msg["Auto-Submitted"] == "auto-generated"
    assert "Change or stop these reminders" in text
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    cal = Calendar.from_ical(attachment.get_content())
    (event,) = cal.walk("VEVENT")
    assert event["SUMMARY"] == "Self-care: Morning run"
    assert event["DTSTART"].dt == start and event["DTSTART"].params["TZID"] == "Europe/London"
    assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(minutes=60)
    assert cal.walk("VTIMEZONE")
    with smtp_app.app_context():
        row = db.session.scalar(
            select(Reminder).where(Reminder.message_id == msg["Message-ID"].strip())
        )
        assert (row.kind, row.member_id, row.state, row.attempts) == (
            "selfcare",
            made.member_ids[0],
            "sent",
            1,
        )


@time_machine.travel(QUIET, tick=True)
def test_one_click_links_work_once_and_change_only_that_slot(smtp_app, smtp_server, make, client):
    made = make("Alex", "Sam")
    msg, slot_id, start = _send_selfcare_reminder(smtp_app, smtp_server, made)
    text = msg.get_body(("plain",)).get_content()
    kept, skip = (u for u in links_in(text) if "/reminders/slot?" in u)
    with smtp_app.app_context():
        before = db.session.get(SelfCareSlot, slot_id)
        before = (before.title, before.weekday, before.start_time, before.sequence)

    page = client.get(_path(kept))  # no sign-in needed
    assert page.status_code == 200 and "Mark this time as kept?" in body(page)
    done = client.post(_path(kept))
    assert done.status_code == 200 and "Kept" in body(done)
    with smtp_app.app_context():
        (week,) = db.session.scalars(select(SelfCareWeek)).all()
        assert (week.slot_id, week.outcome, week.status) == (slot_id, "kept", "planned")
        slot = db.session.get(SelfCareSlot, slot_id)
        assert (slot.title, slot.weekday, slot.start_time, slot.sequence) == before
    again = client.post(_path(kept))
    assert again.status_code == 410 and "already been used" in body(again)
    other = client.get(_path(skip))  # the pair shares one use
    assert other.status_code == 410
    assert client.get("/reminders").status_code == 302  # it did not sign anyone in


@time_machine.travel(QUIET, tick=True)
def test_skip_link_offers_another_time(smtp_app, smtp_server, make, client):
    made = make("Alex", "Sam")
    msg, slot_id, _ = _send_selfcare_reminder(smtp_app, smtp_server, made)
    skip = [u for u in links_in(msg.get_body(("plain",)).get_content()) if "/slot?" in u][1]
    done = client.post(_path(skip))
    assert done.status_code == 200 and "skipped" in body(done)
    if "selfcare.reschedule" in smtp_app.view_functions:
        assert f"/slots/{slot_id}/weeks/" in body(done)
    with smtp_app.app_context():
        assert db.session.scalar(select(SelfCareWeek.outcome)) == "missed"


def test_bad_and_expired_links(app, client, make):
    made = make("Alex")
    assert client.get("/reminders/slot?token=nonsense").status_code == 410
    assert client.post("/reminders/slot?token=nonsense").status_code == 410
    assert client.get("/reminders/slot").status_code == 410
    with app.test_request_context():
        past = datetime.now(UTC) - timedelta(minutes=1)
        token = links.slot_token(made.member_ids[0], "slot1:2026-01-05", "kept", past)
        response = client.get(f"/reminders/slot?token={token}")
    assert response.status_code == 410 and "expired" in body(response)
    assert client.get("/reminders/preferences?token=forged").status_code == 410


@time_machine.travel(QUIET, tick=True)
def test_preference_link_works_without_sign_in(smtp_app, smtp_server, make, client):
    made = make("Alex", "Sam")
    msg, _, _ = _send_selfcare_reminder(smtp_app, smtp_server, made)
    prefs = msg["List-Unsubscribe"].strip("<>")
    assert prefs in msg.get_body(("plain",)).get_content()
    page = client.get(_path(prefs))
    assert page.status_code == 200 and "Reminders for Alex" in body(page)
    bad = client.post(_path(prefs), data={"selfcare": "7", "planning": "60"})
    assert bad.status_code == 422 and "Pick one of the listed times" in body(bad)
    with smtp_app.app_context():
        assert db.session.get(Member, made.member_ids[0]).selfcare_reminder_minutes == 30
    saved = client.post(_path(prefs), data={"selfcare": "off", "planning": "120"})
    assert saved.status_code == 302
    with smtp_app.app_context():
        alex = db.session.get(Member, made.member_ids[0])
        assert (alex.selfcare_reminder_minutes, alex.planning_reminder_minutes) == (None, 120)


def test_preferences_signed_in_and_turning_off_cancels(app, client, make):
    made = make("Alex", "Sam")
    with committing(app):
        add_slot(made.member_ids[0], soon(made.household_id, 24 * 60 + 90))
        sync_household(db.session.get(Household, made.household_id))
        db.session.commit()
    assert client.get("/reminders/preferences").status_code == 302  # sign-in needed
    login(client, made.emails[0])
    page = client.get("/reminders/preferences")
    assert page.status_code == 200 and "30 minutes before" in body(page)
    assert client.post("/reminders/preferences", data={"selfcare": "45"}).status_code == 422
    response = client.post("/reminders/preferences", data={"selfcare": "off", "planning": "off"})
    assert response.status_code == 302
    with committing(app):
        states = db.session.scalars(
            select(Reminder.state).where(Reminder.member_id == made.member_ids[0])
        ).all()
        assert states and set(states) == {"cancelled"}
    listing = client.get("/reminders")
    assert listing.status_code == 200 and "Recently" in body(listing)


def _due(app, household_id, kind, member_id) -> list[datetime]:
    with committing(app):
        return list(
            db.session.scalars(
                select(Reminder.due_at)
                .where(
                    Reminder.household_id == household_id,
                    Reminder.kind == kind,
                    Reminder.member_id == member_id,
                    Reminder.state == "pending",
                )
                .order_by(Reminder.due_at)
            )
        )


@time_machine.travel(datetime(2026, 3, 25, tzinfo=UTC), tick=False)
def test_lead_times_across_daylight_saving_changes(app, make):
    made = make("Alex", "Sam")
    alex, sam = made.member_ids
    with committing(app):
        london = db.session.get(Household, made.household_id).tz
        db.session.get(Member, sam).selfcare_reminder_minutes = 15
        db.session.commit()
        # Europe/London springs forward on Sunday 29 March 2026 at 01:00 UTC.
        add_slot(alex, datetime(2026, 3, 28, 9, 0, tzinfo=london))  # Saturday, GMT
        add_slot(alex, datetime(2026, 3, 30, 9, 0, tzinfo=london))  # Monday, BST
        add_slot(sam, datetime(2026, 3, 29, 3, 0, tzinfo=london))  # just after the jump
        db.session.commit()  # the reminders follow, written from now (25 March) on
    utc = lambda *a: datetime(*a, tzinfo=UTC)  # noqa: E731
    assert _due(app, made.household_id, "selfcare", alex) == [
        utc(2026, 3, 28, 8, 30),
        utc(2026, 3, 30, 7, 30),
    ]
    assert _due(app, made.household_id, "selfcare", sam) == [utc(2026, 3, 29, 1, 45)]
    # The planning session, Sundays 19:00 local, an hour ahead: 18:00 BST = 17:00 UTC.
    assert _due(app, made.household_id, "planning", alex) == [utc(2026, 3, 29, 17, 0)]


@time_machine.travel(datetime(2026, 10, 30, tzinfo=UTC), tick=False)
def test_lead_times_when_the_clocks_go_back_in_new_york(app, make):
    made = make("Kim", timezone="America/New_York")
    (kim,) = made.member_ids
    with committing(app):
        zone = db.session.get(Household, made.household_id).tz
        # New York falls back on Sunday 1 November 2026; 01:30 happens twice (first one counts).
        add_slot(kim, datetime(2026, 11, 1, 1, 30, tzinfo=zone))
        add_slot(kim, datetime(2026, 11, 2, 7, 0, tzinfo=zone))
        db.session.commit()  # the reminders follow, written from now (30 October) on
    due = _due(app, made.household_id, "selfcare", kim)
    assert due == [
        datetime(2026, 11, 1, 5, 0, tzinfo=UTC),
        datetime(2026, 11, 2, 11, 30, tzinfo=UTC),
    ]


def test_moved_and_skipped_weeks_move_and_cancel_the_reminder(app, make):
    made = make("Alex")
    (alex,) = made.member_ids
    now = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)  # a Monday
    with committing(app):
        household = db.session.get(Household, made.household_id)
        slot_id = add_slot(alex, datetime(2026, 6, 3, 18, 0, tzinfo=household.tz))
        sync_household(household, now)
        db.session.commit()
        assert _due(app, household.id, "selfcare", alex)[0] == datetime(
            2026, 6, 3, 16, 30, tzinfo=UTC
        )
        week = move_to_thursday_morning(household.id, slot_id)
        sync_household(household, now)
        db.session.commit()
        assert _due(app, household.id, "selfcare", alex)[0] == datetime(
            2026, 6, 4, 5, 30, tzinfo=UTC
        )
        week.status = "skipped"
        db.session.commit()
        sync_household(household, now)
        db.session.commit()
        key = f"slot{slot_id}:2026-06-01"
        state = select(Reminder.state).where(Reminder.occurrence_key == key)
        assert db.session.scalar(state) == "cancelled"
        week.status = "planned"
        db.session.commit()
        sync_household(household, now)
        db.session.commit()
        assert db.session.scalar(state) == "pending"
        assert (
            db.session.scalar(select(func.count(Reminder.id)).where(Reminder.occurrence_key == key))
            == 1
        )


def test_signals_queue_plan_summary_and_handover(smtp_app, smtp_server, make):
    from planner import events
    from planner.models import PlanItem, WeekPlan

    made = make("Alex", "Sam")
    alex_id, sam_id = made.member_ids
    with smtp_app.app_context():
        household = db.session.get(Household, made.household_id)
        plan = WeekPlan(
            household_id=household.id, week_start=datetime(2026, 6, 1).date(), status="agreed"
        )
        db.session.add(plan)
        db.session.flush()
        lunches = PlanItem(
            household_id=household.id,
            week_plan_id=plan.id,
            title="School lunches",
            owner_id=alex_id,
            effort_minutes=140,
        )
        bins = PlanItem(
            household_id=household.id, week_plan_id=plan.id, title="Bins out", owner_id=sam_id
        )
        db.session.add_all([lunches, bins])
        db.session.commit()
        events.plan_agreed.send(household, week_plan=plan)
        events.plan_agreed.send(household, week_plan=plan)  # announced twice: still one each
        from planner.week.handovers import Notice

        sam = db.session.get(Member, sam_id)
        notice = Notice(sam, "ask:1", "Alex asks: can you take School lunches today?", ("x",))
        events.partner_notice.send(household, notice=notice)
        events.partner_notice.send(household, notice=notice)  # the same key: one email
        send_due()  # with the planning reminder, when the suite's clock stands just before it
        sent = select(func.count(Reminder.id)).where(
            Reminder.state == "sent", Reminder.kind.in_(("plan_summary", "handover"))
        )
        assert db.session.scalar(sent) == 3
    (summary,) = [m for m in smtp_server.to(made.emails[0]) if m["Subject"].startswith("Your week")]
    text = summary.get_body(("plain",)).get_content()
    assert "School lunches (140 min)" in text and "Sam:" in text and "Bins out" in text
    assert summary["List-Unsubscribe"]
    sam_mail = {m["Subject"]: m for m in smtp_server.to(made.emails[1])}
    asked = sam_mail["Alex asks: can you take School lunches today?"]
    assert "Open Planner:" in asked.get_body(("plain",)).get_content()
    assert any(s.startswith("Your week from") for s in sam_mail)


@time_machine.travel(QUIET, tick=True)
def test_smtp_failure_backs_off_then_expires(smtp_app, make):
    from tests.conftest import free_port

    made = make("Alex")
    smtp_app.config["SMTP_PORT"] = free_port()  # nothing listens
    with smtp_app.app_context():
        sync_household(db.session.get(Household, made.household_id))
        add_slot(made.member_ids[0], soon(made.household_id, 20))
        sync_household(db.session.get(Household, made.household_id))
        db.session.commit()
        assert send_due().failed == 1
        # The slot repeats weekly: the first reminder is the one that fell due.
        row = db.session.scalars(
            select(Reminder).where(Reminder.kind == "selfcare").order_by(Reminder.due_at)
        ).first()
        assert row.state == "failed" and "SMTP" in row.last_error and row.attempts == 1
        assert row.next_attempt_at > datetime.now(UTC) + timedelta(seconds=20)
        assert send_due().failed == 0  # backing off: not tried again yet
        row.next_attempt_at = row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        db.session.commit()
        assert send_due().expired == 1
        db.session.refresh(row)
        assert row.state == "expired" and "SMTP" in row.last_error


def test_reminders_page_lists_state_and_error(app, client, make):
    made = make("Alex", "Sam")
    with committing(app):
        from planner.reminders.demo import add_demo_reminders

        household = db.session.get(Household, made.household_id)
        add_demo_reminders(household)
        add_demo_reminders(household)  # idempotent
        db.session.commit()
        demo = Reminder.occurrence_key.startswith("demo-")
        assert db.session.scalar(select(func.count(Reminder.id)).where(demo)) == 6
    login(client, made.emails[0])
    page = body(client.get("/reminders"))
    assert "failed" in page and "421" in page and "sent" in page and "Sam" in page
    assert 'href="/reminders"' in body(client.get("/more"))  # one tap away


def test_cli_send_test_email_and_send_due(smtp_app, smtp_server, make):
    runner = smtp_app.test_cli_runner()
    result = runner.invoke(args=["planner", "send-test-email", "me@example.com"])
    assert result.exit_code == 0, result.output
    assert re.search(r"Message-ID <.+>", result.output)
    (msg,) = smtp_server.to("me@example.com")
    assert msg["Subject"] == "Planner test email"
    result = runner.invoke(args=["planner", "send-due"])
    assert result.exit_code == 0 and "sent 0" in result.output
    from tests.conftest import free_port

    smtp_app.config["SMTP_PORT"] = free_port()
    failed = runner.invoke(args=["planner", "send-test-email", "me@example.com"])
    assert failed.exit_code == 1 and "Not sent" in failed.output


def test_scheduler_starts_only_where_it_should(monkeypatch):
    import click

    from planner import jobs

    def app(mode: str, testing: bool = False):
        class Fake:
            pass

        fake = Fake()
        fake.testing, fake.config = testing, {"PLANNER_SCHEDULER": mode}
        return fake

    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
    monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    assert not jobs.should_start(app("auto"))  # gunicorn worker, plain import
    assert jobs.should_start(app("on"))
    assert not jobs.should_start(app("on", testing=True)) and not jobs.should_start(app("off"))
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")

    def under(name: str, reload: bool | None, mode: str = "auto") -> bool:
        with click.Context(click.Command(name), info_name=name) as ctx:
            ctx.params["reload"] = reload
            return jobs.should_start(app(mode))

    assert not under("run", True)  # the reloader's parent
    assert under("run", False)
    monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")
    assert under("run", True)
    assert not under("run", True, mode="off")
    assert not under("planner", None, mode="on")  # `planner scheduler` ticks on its own


def test_in_process_scheduler_is_off_in_tests(app):
    from planner.jobs import start_in_process

    assert start_in_process(app) is None
    assert "planner_scheduler" not in app.extensions


def test_tick_expands_and_sends(app, make, tmp_path):
    from planner.jobs import tick

    made = make("Alex")
    with committing(app):
        add_slot(made.member_ids[0], soon(made.household_id, 10))
    tick(app)
    with committing(app):
        states = db.session.scalars(select(Reminder.state).where(Reminder.kind == "selfcare"))
        assert "sent" in set(states)


def test_planning_time_is_local(app, make):
    made = make("Alex")
    with committing(app):
        household = db.session.get(Household, made.household_id)
        household.planning_weekday, household.planning_time = 2, time(20, 15)
        db.session.commit()
        sync_household(household, datetime(2026, 7, 6, tzinfo=UTC))
        db.session.commit()
    assert _due(app, made.household_id, "planning", made.member_ids[0]) == [
        datetime(2026, 7, 8, 18, 15, tzinfo=UTC)  # 20:15 BST minus an hour
    ]
