"""Phone notifications through the outbox, to a push service on loopback that decrypts
them: each channel once, a device gone (410) removed, retries, grace windows, and the
calendar moving or cancelling the notification like the email."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from planner.domain.vocabulary import ReminderKind
from planner.extensions import db
from planner.models import ChannelChoice, Household, Member, PushSubscription, Reminder
from planner.push import services as push
from planner.reminders import kinds, outbox
from planner.reminders.push_sender import NO_DEVICE
from planner.reminders.sender import send_due
from tests.helpers import committing
from tests.test_reminders import QUIET, add_slot, move_to_thursday_morning

EMAIL = {
    "to": "placeholder",
    "subject": "Sam offers to take the bins",
    "text": "Sam has got the bins tonight.",
    "html": "<p>Sam has got the bins tonight.</p>",
    "headers": {},
    "attachments": [],
}
PUSH = {"title": "Sam has got the bins tonight", "body": "Nothing to do.", "url": "/week"}


def add_device(member_id: int, browser) -> None:
    member = db.session.get(Member, member_id)
    push.subscribe(member, push.read_device(browser.subscription()), "Chrome on Android")
    db.session.commit()


def notice(member_id: int, key: str = "offer1", kind=ReminderKind.HANDOVER, now=None) -> None:
    member = db.session.get(Member, member_id)
    outbox.queue_notice(kind, member, key, {**EMAIL, "to": member.email}, PUSH, now)
    db.session.commit()


def rows() -> dict[str, Reminder]:
    db.session.expire_all()
    return {
        r.channel: r
        for r in db.session.scalars(select(Reminder).where(Reminder.kind == "handover"))
    }


@time_machine.travel(QUIET, tick=True)
def test_a_notice_goes_by_email_and_by_notification_each_once(
    push_app, make, push_service, smtp_server
):
    made = make("Alex", "Sam")
    phone = push_service.browser("alex-phone")
    with push_app.app_context():
        add_device(made.member_ids[0], phone)
        notice(made.member_ids[0])
        notice(made.member_ids[0])  # a double submit: still one of each
        assert send_due().sent == 2
        assert send_due().sent == 0  # nothing is sent twice
        found = rows()
    assert set(found) == {"email", "push"} and {r.state for r in found.values()} == {"sent"}
    (payload,) = push_service.to("alex-phone")
    assert payload == {**PUSH, "tag": "handover:offer1"}  # decrypted with the phone's keys
    (received,) = push_service.received
    # The push service may keep it until the notice's grace window ends, and no longer.
    assert 0 < received.ttl <= kinds.KINDS[ReminderKind.HANDOVER].grace.total_seconds()
    assert len(smtp_server.to(made.emails[0])) == 1


def notices_by_push_only(member_id: int) -> None:
    db.session.add(ChannelChoice(member_id=member_id, kind="handover", email=False, push=True))
    db.session.commit()


def test_without_a_device_a_notice_comes_by_email_only(push_app, make, push_service):
    made = make("Alex")
    with push_app.app_context():
        notices_by_push_only(made.member_ids[0])
        notice(made.member_ids[0])
        assert set(rows()) == {"email"}  # push only, but no phone yet: nothing is lost
        add_device(made.member_ids[0], push_service.browser("p"))
        notice(made.member_ids[0], "offer2")
        handovers = select(Reminder).where(Reminder.kind == "handover")
        assert {(r.occurrence_key, r.channel) for r in db.session.scalars(handovers)} == {
            ("offer1", "email"),
            ("offer2", "push"),
        }


@time_machine.travel(QUIET, tick=True)
def test_a_device_gone_410_is_removed_and_the_others_still_get_it(
    push_app, make, push_service, smtp_server
):
    made = make("Alex")
    old, new = push_service.browser("old-phone"), push_service.browser("new-phone")
    push_service.answer("old-phone", 410)
    with push_app.app_context():
        add_device(made.member_ids[0], old)
        add_device(made.member_ids[0], new)
        notice(made.member_ids[0])
        assert send_due().sent == 2
        endpoints = db.session.scalars(select(PushSubscription.endpoint)).all()
        assert endpoints == [new.endpoint]
        assert rows()["push"].state == "sent"
    assert push_service.to("old-phone") == [] and len(push_service.to("new-phone")) == 1


@time_machine.travel(QUIET, tick=True)
def test_when_the_only_device_is_gone_the_notification_fails_visibly(push_app, make, push_service):
    made = make("Alex")
    push_service.answer("phone", 404)
    with push_app.app_context():
        add_device(made.member_ids[0], push_service.browser("phone"))
        notice(made.member_ids[0])
        outcome = send_due()
        row = rows()["push"]
        assert (outcome.sent, outcome.failed) == (1, 1)  # the email went
        assert row.state == "failed" and row.last_error == NO_DEVICE and row.next_attempt_at is None
        assert db.session.scalar(select(PushSubscription.id)) is None


def test_a_push_service_error_is_retried_and_no_device_gets_it_twice(push_app, make, push_service):
    made = make("Alex")
    push_service.answer("tablet", 500, 503)
    start = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock, push_app.app_context():
        add_device(made.member_ids[0], push_service.browser("phone"))
        add_device(made.member_ids[0], push_service.browser("tablet"))
        notices_by_push_only(made.member_ids[0])
        notice(made.member_ids[0])
        assert send_due().failed == 1
        row = rows()["push"]
        assert row.state == "failed" and "500" in row.last_error and row.attempts == 1
        assert row.next_attempt_at == start + kinds.retry_delay(1)
        assert send_due().failed == 0  # backing off
        clock.shift(kinds.retry_delay(1))
        assert send_due().failed == 1  # 503 this time
        assert "503" in rows()["push"].last_error
        clock.shift(kinds.retry_delay(2))
        assert send_due().sent == 1
        row = rows()["push"]
        assert row.state == "sent" and row.attempts == 3
    assert len(push_service.to("phone")) == 1, "the phone had it the first time"
    assert len(push_service.to("tablet")) == 1


def test_a_notification_past_its_grace_window_is_never_sent_late(push_app, make, push_service):
    made = make("Alex")
    push_service.answer("phone", 500)
    start = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock, push_app.app_context():
        add_device(made.member_ids[0], push_service.browser("phone"))
        notices_by_push_only(made.member_ids[0])
        notice(made.member_ids[0])
        assert send_due().failed == 1
        # The push service is back, but only after the notice's moment has passed.
        clock.shift(kinds.KINDS[ReminderKind.HANDOVER].grace + timedelta(seconds=1))
        outcome = send_due()
        assert (outcome.sent, outcome.expired) == (0, 1)
        assert rows()["push"].state == "expired"
        assert send_due().sent == 0
    assert push_service.to("phone") == []


def test_a_lease_taken_over_after_a_crash_skips_devices_that_have_it(push_app, make, push_service):
    """A scheduler died after the phone got the notification: the next one sends it only
    to the device still without it."""
    from planner.reminders.push_sender import _pushed
    from planner.reminders.sender import claim

    made = make("Alex")
    start = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock, push_app.app_context():
        add_device(made.member_ids[0], push_service.browser("phone"))
        add_device(made.member_ids[0], push_service.browser("tablet"))
        phone_id = db.session.scalar(select(PushSubscription.id).order_by(PushSubscription.id))
        notice(made.member_ids[0])
        (held,) = claim(10, channel="push")
        _pushed(held, [phone_id])  # what a scheduler records right after the phone's 201
        clock.shift(kinds.LEASE + timedelta(seconds=1))  # …then it died; its lease runs out
        assert send_due().sent == 2  # the email, and the notification to the tablet
    assert push_service.to("phone") == [] and len(push_service.to("tablet")) == 1


def _push_rows(household_id: int) -> dict[str, tuple]:
    db.session.expire_all()
    return {
        r.occurrence_key: (r.state, r.due_at)
        for r in db.session.scalars(
            select(Reminder).where(
                Reminder.household_id == household_id,
                Reminder.channel == "push",
                Reminder.kind == "selfcare",
            )
        )
    }


@time_machine.travel(QUIET, tick=True)
def test_the_calendar_moves_and_cancels_the_notification_too(push_app, make, push_service):

    made = make("Alex")
    (alex,) = made.member_ids
    now = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)  # a Monday
    with push_app.app_context():
        household = db.session.get(Household, made.household_id)
        slot_id = add_slot(alex, datetime(2026, 6, 3, 18, 0, tzinfo=household.tz))
        add_device(alex, push_service.browser("phone"))
        outbox.sync_household(household, now)
        db.session.commit()
        key = f"slot{slot_id}:2026-06-01"
        assert _push_rows(household.id)[key] == (
            "pending",
            datetime(2026, 6, 3, 16, 30, tzinfo=UTC),
        )
        payload = db.session.scalar(
            select(Reminder.payload).where(
                Reminder.channel == "push", Reminder.occurrence_key == key
            )
        )
        assert payload["title"] == "Your time at 18:00: Run" and payload["url"] == "/selfcare"
        week = move_to_thursday_morning(household.id, slot_id)
        outbox.sync_household(household, now)
        db.session.commit()
        assert _push_rows(household.id)[key] == ("pending", datetime(2026, 6, 4, 5, 30, tzinfo=UTC))
        assert (
            "07:00"
            in db.session.scalar(
                select(Reminder.payload).where(
                    Reminder.channel == "push", Reminder.occurrence_key == key
                )
            )["title"]
        )  # 06:00 UTC is 07:00 in London's summer
        week.status = "skipped"
        db.session.commit()
        outbox.sync_household(household, now)
        db.session.commit()
        assert _push_rows(household.id)[key][0] == "cancelled"
        week.status = "planned"
        db.session.commit()
        outbox.sync_household(household, now)
        db.session.commit()
        assert _push_rows(household.id)[key][0] == "pending"


@time_machine.travel(QUIET, tick=True)
def test_choosing_notification_only_cancels_the_email_and_back(
    push_app, client, make, push_service
):
    from tests.helpers import login

    made = make("Alex")
    (alex,) = made.member_ids
    with push_app.app_context():
        add_slot(alex, datetime(2026, 11, 26, 18, 0, tzinfo=UTC))
        add_device(alex, push_service.browser("phone"))
    login(client, made.emails[0])
    form = {
        f"{k}_{c}": "y"
        for k in ("selfcare", "planning", "handover", "midweek", "plan_summary")
        for c in ("email", "push")
    }
    form.pop("selfcare_email")
    assert client.post("/reminders/channels", data=form).status_code == 302

    def states():
        with committing(push_app):
            return {
                (r.channel, r.state)
                for r in db.session.scalars(select(Reminder).where(Reminder.kind == "selfcare"))
            }

    assert states() == {("email", "cancelled"), ("push", "pending")}
    form["selfcare_email"] = "y"
    form.pop("selfcare_push")
    assert client.post("/reminders/channels", data=form).status_code == 302
    assert states() == {("email", "pending"), ("push", "cancelled")}
    # A device turned off: what only a notification would have carried comes by email.
    form["selfcare_push"] = "y"
    form.pop("selfcare_email")
    client.post("/reminders/channels", data=form)
    with committing(push_app):
        endpoint = db.session.scalar(select(PushSubscription.endpoint))
    assert client.post("/push/subscriptions/remove", json={"endpoint": endpoint}).status_code == 200
    assert states() == {("email", "pending"), ("push", "cancelled")}


@time_machine.travel(QUIET, tick=True)  # no planning reminder due alongside
def test_the_agreed_plan_by_notification(push_app, make, push_service):
    from planner.models import PlanItem, WeekPlan

    made = make("Alex", "Sam")
    alex, sam = made.member_ids
    with push_app.app_context():
        add_device(alex, push_service.browser("alex"))
        db.session.add(ChannelChoice(member_id=alex, kind="plan_summary", email=False, push=True))
        household = db.session.get(Household, made.household_id)
        plan = WeekPlan(
            household_id=household.id, week_start=datetime(2026, 6, 1).date(), status="agreed"
        )
        db.session.add(plan)
        db.session.flush()
        db.session.add_all(
            [
                PlanItem(
                    household_id=household.id, week_plan_id=plan.id, title="Lunches", owner_id=alex
                ),
                PlanItem(
                    household_id=household.id, week_plan_id=plan.id, title="Bins", owner_id=sam
                ),
            ]
        )
        db.session.commit()
        outbox.queue_plan_summary(household, plan)
        db.session.commit()
        summaries = select(Reminder).where(Reminder.kind == "plan_summary")
        got = {(r.member_id, r.channel) for r in db.session.scalars(summaries)}
        assert got == {(alex, "push"), (sam, "email")}
        send_due()
    (payload,) = push_service.to("alex")
    assert payload["title"] == "Your week from Monday 1 June is agreed"
    assert payload["body"].startswith("1 thing on your plate") and payload["url"] == "/week"


def test_a_holder_whose_lease_ran_out_sends_no_notification(push_app, make, push_service):
    """Two schedulers hold the same notification one after the other (the first stalled
    past its lease): only the current holder sends it."""
    from planner.reminders.push_sender import send_push_batch
    from planner.reminders.sender import Outcome, claim

    made = make("Alex")
    start = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock, push_app.app_context():
        add_device(made.member_ids[0], push_service.browser("phone"))
        notice(made.member_ids[0])
        first = claim(10, channel="push")
        clock.shift(kinds.LEASE + timedelta(minutes=1))
        second = claim(10, channel="push")
        assert [r.id for r in first] == [r.id for r in second] and len(first) == 1
        late, current = Outcome(), Outcome()
        send_push_batch(first, late)  # wakes up after its lease: sends nothing
        assert push_service.received == [] and late.sent == late.failed == 0
        send_push_batch(second, current)
        assert current.sent == 1 and rows()["push"].state == "sent"
        assert claim(10, channel="email")  # the email is its own row, claimed on its own
    assert len(push_service.to("phone")) == 1
