"""Two real scheduler processes (`flask planner send-due`) on one database, a real SMTP
server and a push service on loopback that decrypts what it gets: the email and the
notification of each notice each arrive exactly once."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from planner.domain.vocabulary import ReminderKind
from planner.extensions import db
from planner.models import Household, Member, Reminder
from planner.push import services as push
from planner.reminders.outbox import queue_notice
from tests.helpers import committing
from tests.test_reminders_processes import Inbox, finish, outbox_db, send_due

__all__ = ["outbox_db"]  # the fixture: a fresh SQLite file, or PostgreSQL when given

NOTICES = 60


def test_two_schedulers_send_each_email_and_each_notification_once(outbox_db, push_service):
    url, app = outbox_db
    phones = {}
    with committing(app):
        app.config["PLANNER_PUSH_ALLOW_LOOPBACK"] = True
        household = Household(name="Two phones")
        db.session.add(household)
        members = [
            Member(household=household, display_name=n, email=f"{n}@example.com", password_hash="x")
            for n in ("alex", "sam")
        ]
        db.session.add_all(members)
        db.session.flush()
        for m in members:
            m.selfcare_reminder_minutes = m.planning_reminder_minutes = None
            phones[m.id] = push_service.browser(m.display_name)
            push.subscribe(m, push.read_device(phones[m.id].subscription()), "test")
        for i in range(NOTICES):
            for m in members:
                queue_notice(
                    ReminderKind.HANDOVER,
                    m,
                    f"notice{i}",
                    {
                        "to": m.email,
                        "subject": f"Notice {i}",
                        "text": "Sam has got it.",
                        "headers": {},
                        "attachments": [],
                    },
                    {"title": f"Notice {i}", "body": "Sam has got it.", "url": "/week"},
                )
    key_file = app.config["PLANNER_VAPID_PRIVATE_KEY_FILE"]
    inbox = Inbox().start()
    try:
        settings = {"PLANNER_VAPID_PRIVATE_KEY_FILE": key_file}
        finish(send_due(url, inbox.port, **settings), send_due(url, inbox.port, **settings))
    finally:
        inbox.stop()
    with committing(app):
        outbox = db.session.execute(
            select(Reminder.channel, Reminder.state, Reminder.message_id).where(
                Reminder.kind == ReminderKind.HANDOVER
            )
        ).all()
        db.session.remove()
    assert len(outbox) == 4 * NOTICES and {r.state for r in outbox} == {"sent"}
    emails = Counter(inbox.ids)
    assert set(emails) == {r.message_id for r in outbox if r.channel == "email"}
    assert max(emails.values()) == 1, "an email arrived twice"
    notifications = Counter((r.name, r.payload["title"]) for r in push_service.received)
    assert len(notifications) == 2 * NOTICES, "a notification was lost"
    assert max(notifications.values()) == 1, "a notification arrived twice"
