"""What the translation review found: words one member writes for another (a re-share's
reasons, a calendar's event), and pages reached from a member's email, are in the reader's
language and keep its capital letters.

Needs the compiled catalogues (scripts/setup.sh, or `make catalogues`)."""

from __future__ import annotations

from datetime import date

import icalendar
import time_machine
from sqlalchemy import select

from planner.domain.vocabulary import Kindness, PlanState
from planner.extensions import db
from planner.models import Household, Member, PlanOccurrence
from planner.reminders import links
from planner.week import services
from tests.handover_helpers import MONDAY, WEDNESDAY_MORNING
from tests.helpers import body, committing, links_in, login
from tests.test_feeds import new_feed_url, path_of
from tests.test_midweek import week  # noqa: F401 (the fixture: an agreed week, Wednesday)
from tests.test_reminders import QUIET, _path, _send_selfcare_reminder
from tests.test_week import add_responsibility

THURSDAY = date(2026, 11, 26)


def _speaks(app, member_id: int, language: str) -> None:
    with committing(app):
        db.session.get_one(Member, member_id).language = language


def _reasons_for(app, member_id: int, item_id: int) -> dict[date, str]:
    with committing(app):
        return {
            o.on_date: o.ask_reason
            for o in db.session.scalars(
                select(PlanOccurrence).where(
                    PlanOccurrence.plan_item_id == item_id, PlanOccurrence.asked_to_id == member_id
                )
            )
        }


def test_a_partner_reads_why_they_are_asked_in_their_own_language(app, client, week):  # noqa: F811
    """Alex (English) goes away; Sam, who is asked to take the days, reads German: the
    reason beside the ask on Sam's Today page is German, not Alex's English."""
    made, _plan_id, cooking, _days = week
    sam = made.member_ids[1]
    _speaks(app, sam, "de")
    login(client, made.emails[0])
    away = {"first_day": "2026-11-26", "last_day": "2026-11-27", "note": ""}
    assert client.post("/checkin-again/away", data=away).status_code == 302
    reasons = _reasons_for(app, sam, cooking)
    assert reasons[THURSDAY] == "Alex ist am Donnerstag weg; Sam ist da."

    sams = app.test_client()
    login(sams, made.emails[1])
    page = body(sams.get("/home"))
    assert "Alex ist am Donnerstag weg; Sam ist da." in page
    assert "is away on" not in page


def test_a_blown_check_in_asks_in_the_partners_language(app, client, week):  # noqa: F811
    """The rebalancer's reasons (room, how someone is) are the asked partner's language too,
    while the asker's own page stays theirs."""
    made, _plan_id, cooking, _days = week
    alex, sam = made.member_ids
    _speaks(app, alex, "es")
    login(client, made.emails[0])
    assert client.post("/checkin-again", data={"state": "blown"}).status_code == 302
    reasons = _reasons_for(app, sam, cooking)
    assert reasons and all(r.startswith("Alex is blown this week") for r in reasons.values())
    assert '<html lang="es"' in body(client.get("/home"))


def _outsourced(app, made, title: str, helper: str) -> None:
    """`title` on Thursday of the agreed week, Alex's, given outside help (`helper`)."""
    with committing(app):
        add_responsibility(
            made.household_id,
            title,
            default_owner_id=made.member_ids[0],
            help_from=helper,
            rrule="FREQ=WEEKLY;BYDAY=TH",
            starts_on=date(2026, 1, 1),
        )
        plan = services.get_or_create_week_plan(
            db.session.get_one(Household, made.household_id), MONDAY
        )
        plan.status = PlanState.AGREED
        next(i for i in plan.items if i.title == title).kindness = Kindness.OUTSOURCE


def _event(app, client, email: str, title: str) -> icalendar.Event:
    login(client, email)
    url = new_feed_url(client, "member")
    calendar = icalendar.Calendar.from_ical(app.test_client().get(path_of(url)).data)
    (event,) = [e for e in calendar.walk("VEVENT") if title in str(e["SUMMARY"])]
    return event


@time_machine.travel(WEDNESDAY_MORNING, tick=False)
def test_a_german_calendar_keeps_its_capital_letters(app, client, make):
    """The feed's event for an item given outside help this week: German nouns and the
    names a member typed keep their capitals, in the summary and the description."""
    made = make("Alex", "Sam")
    _speaks(app, made.member_ids[0], "de")
    _outsourced(app, made, "Fenster putzen", "Oma Ruth")
    event = _event(app, client, made.emails[0], "Fenster putzen")
    assert str(event["SUMMARY"]) == "Fenster putzen · Hilfe von außen"
    assert str(event["DESCRIPTION"]).startswith("Diese Woche: Hilfe von Oma Ruth. ")


@time_machine.travel(WEDNESDAY_MORNING, tick=False)
def test_an_english_calendar_keeps_the_names_a_member_typed(app, client, make):
    made = make("Alex", "Sam")
    _outsourced(app, made, "Windows", "Grandma Jo")
    event = _event(app, client, made.emails[0], "Windows")
    assert str(event["SUMMARY"]) == "Windows · outside help"
    assert str(event["DESCRIPTION"]).startswith("This week: help from Grandma Jo. ")


ENGLISH_BROWSER = {"Accept-Language": "en-GB,en;q=0.9"}


def test_a_link_from_a_members_email_opens_in_their_language(app, client, make):
    """Alex reads German; the links in Alex's reminder emails open in German on a browser
    that asks for English, with no one signed in: the preferences page, what it says once
    saved, and the one-click unsubscribe."""
    made = make("Alex", "Sam")
    _speaks(app, made.member_ids[0], "de")
    with app.app_context():
        token = links.prefs_token(made.member_ids[0])
    url = f"/reminders/preferences?token={token}"
    page = client.get(url, headers=ENGLISH_BROWSER)
    assert page.status_code == 200
    assert '<html lang="de"' in body(page) and "Erinnerungen für Alex" in body(page)
    saved = client.post(url, data={"selfcare": "off", "planning": "120"}, headers=ENGLISH_BROWSER)
    assert saved.status_code == 302
    again = body(client.get(url, headers=ENGLISH_BROWSER))
    assert "Erinnerungen gespeichert." in again
    off = client.post(url, data={"List-Unsubscribe": "One-Click"}, headers=ENGLISH_BROWSER)
    assert off.status_code == 200 and "Erinnerungen ausgeschaltet" in body(off)


@time_machine.travel(QUIET, tick=True)
def test_a_self_care_link_opens_in_its_members_language(smtp_app, smtp_server, make, client):
    made = make("Alex", "Sam")
    _speaks(smtp_app, made.member_ids[0], "de")
    msg, _slot_id, _start = _send_selfcare_reminder(smtp_app, smtp_server, made)
    text = msg.get_body(("plain",)).get_content()
    kept = next(u for u in links_in(text) if "/reminders/slot?" in u)
    page = client.get(_path(kept), headers=ENGLISH_BROWSER)
    assert page.status_code == 200
    assert "Diese Zeit als genommen eintragen? Schön – das zählt." in body(page)
    done = client.post(_path(kept), headers=ENGLISH_BROWSER)
    assert done.status_code == 200 and '<html lang="de"' in body(done)
