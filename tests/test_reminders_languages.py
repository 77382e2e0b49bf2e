"""Each member reads what Planner sends in their own language: a German-speaking member's
reminder emails, notices and calendar feed are German while their English-speaking
partner's are English, whatever language the request that caused them spoke.

Needs the compiled catalogues (scripts/setup.sh, or `make catalogues`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

import icalendar
import pytest
import time_machine

import planner
from planner.extensions import db
from planner.models import Household, Member, PlanItem, WeekPlan
from planner.reminders import outbox
from planner.reminders.outbox import sync_household
from planner.reminders.sender import send_due
from planner.week.handovers import Notice
from tests.helpers import committing, login
from tests.selfcare_helpers import add_slot
from tests.test_feeds import new_feed_url, path_of
from tests.test_reminders import QUIET, soon
from tests.test_reminders import add_slot as add_slot_at

CATALOGUES = Path(planner.__file__).parent / "translations"


@pytest.fixture(autouse=True)
def _compiled_catalogues():
    for language in ("de", "es"):
        if not (CATALOGUES / language / "LC_MESSAGES" / "messages.mo").exists():
            pytest.fail(f"No compiled {language} catalogue: run `make catalogues` first.")


def speaks(app, member_id: int, language: str) -> None:
    with committing(app):
        db.session.get_one(Member, member_id).language = language


def texts(msg) -> tuple[str, str]:
    return msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content()


@time_machine.travel(QUIET, tick=True)
def test_each_partner_gets_their_reminder_email_in_their_own_language(smtp_app, smtp_server, make):
    made = make("Alex", "Sam")
    speaks(smtp_app, made.member_ids[0], "de")
    with smtp_app.app_context():
        add_slot_at(made.member_ids[0], soon(made.household_id, 20), title="Morning run")
        add_slot_at(made.member_ids[1], soon(made.household_id, 25), title="Pottery")
        sync_household(db.session.get_one(Household, made.household_id))
        db.session.commit()
        assert send_due().sent >= 2

    (german,) = smtp_server.to(made.emails[0])
    assert german["Subject"] == "In 30 Minuten: deine Zeit für Morning run"
    text, html = texts(german)
    assert text.startswith("Hallo Alex,")
    assert "Deine Zeit für Morning run beginnt am Mittwoch" in text
    assert "Solange du weg bist, ist Sam für den Haushalt dran." in text
    assert "Hat geklappt: http://planner.test/reminders/slot?token=" in text
    assert "Diese Erinnerungen ändern oder abbestellen: http://" in text
    assert '<html lang="de">' in html and "Hallo Alex," in html
    assert "your time" not in text.lower() and "Hi Alex" not in html
    (attachment,) = list(german.iter_attachments())
    (event,) = icalendar.Calendar.from_ical(attachment.get_payload(decode=True)).walk("VEVENT")
    assert event["SUMMARY"] == "Zeit für dich: Morning run"
    assert event["DESCRIPTION"] == "Deine geschützte Zeit. Sam ist dran."

    (english,) = smtp_server.to(made.emails[1])
    assert english["Subject"] == "In 30 minutes: your time for Pottery"
    text, html = texts(english)
    assert text.startswith("Hi Sam,")
    assert "Your time for Pottery starts Wednesday 25 November" in text
    assert "Alex is on duty for the household while you're away." in text
    assert '<html lang="en">' in html
    (attachment,) = list(english.iter_attachments())
    (event,) = icalendar.Calendar.from_ical(attachment.get_payload(decode=True)).walk("VEVENT")
    assert event["SUMMARY"] == "Self-care: Pottery"


@time_machine.travel(QUIET, tick=True)
def test_notices_queued_in_a_request_speak_their_recipients_language(smtp_app, smtp_server, make):
    """A plan summary and a partner's notice are written while someone else's request (here
    a Spanish one) is under way: each recipient still reads their own language."""
    made = make("Alex", "Sam")
    alex, sam = made.member_ids
    speaks(smtp_app, alex, "de")
    with smtp_app.test_request_context(headers={"Accept-Language": "es"}):
        household = db.session.get_one(Household, made.household_id)
        plan = WeekPlan(household_id=household.id, week_start=date(2026, 11, 23), status="agreed")
        db.session.add(plan)
        db.session.flush()
        db.session.add_all(
            [
                PlanItem(
                    household_id=household.id, week_plan_id=plan.id, title="Bins", owner_id=alex
                ),
                PlanItem(
                    household_id=household.id, week_plan_id=plan.id, title="Lunches", owner_id=sam
                ),
            ]
        )
        db.session.flush()
        outbox.queue_plan_summary(household, plan)
        to_alex = db.session.get_one(Member, alex)
        outbox.queue_partner_notice(
            Notice(to_alex, "test:1", "Sam's got Bins today", ("Sam took Bins.",))
        )
        db.session.commit()
        send_due()

    subjects = {msg["Subject"]: msg for msg in smtp_server.to(made.emails[0])}
    summary = subjects["Eure Woche ab Montag, 23. November ist vereinbart"]
    text, _ = texts(summary)
    assert "Ihr habt den Plan für die Woche ab Montag, 23. November vereinbart." in text
    assert "Deine Aufgaben diese Woche:" in text and "Die ganze Woche ansehen: http://" in text
    notice = subjects["Sam's got Bins today"]
    text, _ = texts(notice)
    assert text.startswith("Hallo Alex,") and "Planner öffnen: http://" in text

    (english,) = smtp_server.to(made.emails[1])
    assert english["Subject"] == "Your week from Monday 23 November is agreed"
    text, _ = texts(english)
    assert "Yours this week:" in text and "See the whole week: http://" in text


def feed(app, email: str, which: str) -> icalendar.Calendar:
    """The feed as a calendar app reads it (no sign-in)."""
    client = app.test_client()
    login(client, email)
    url = new_feed_url(client, which)
    return icalendar.Calendar.from_ical(app.test_client().get(path_of(url)).data)


def summaries(cal: icalendar.Calendar) -> set[str]:
    return {str(e["SUMMARY"]) for e in cal.walk("VEVENT")}


@time_machine.travel(QUIET, tick=True)
def test_a_feed_speaks_its_owners_language_and_the_household_feed_its_first_members(app, make):
    made = make("Alex", "Sam")
    speaks(app, made.member_ids[0], "de")
    with committing(app):
        add_slot(made, 0, "Run", 1, time(18, 30), 60, created=datetime(2026, 11, 1, tzinfo=UTC))
        add_slot(made, 1, "Pottery", 5, time(9), 120, created=datetime(2026, 11, 1, tzinfo=UTC))

    alex = feed(app, made.emails[0], "member")
    assert {"Wochengespräch", "Run", "Du bist dran: Sam hat Zeit für sich"} <= summaries(alex)
    sam = feed(app, made.emails[1], "member")
    assert {"Weekly planning session", "Pottery", "On duty: Alex's time"} <= summaries(sam)
    (planning,) = [e for e in sam.walk("VEVENT") if e["SUMMARY"] == "Weekly planning session"]
    assert "Sit down together" in planning["DESCRIPTION"]

    client = app.test_client()
    login(client, made.emails[1])
    url = new_feed_url(client, "household")
    household = icalendar.Calendar.from_ical(app.test_client().get(path_of(url)).data)
    assert {"Wochengespräch", "Zeit für Alex: Run", "Zeit für Sam: Pottery"} <= summaries(household)

    # Alex (the first member) now reads English: the stored German feed is not served again.
    speaks(app, made.member_ids[0], "en")
    again = icalendar.Calendar.from_ical(app.test_client().get(path_of(url)).data)
    assert {"Weekly planning session", "Alex's time: Run"} <= summaries(again)
