"""When life changes mid-week: checking in again proposes a re-share of days still to come
(the partner says yes or no to each), and away days are never given to the one away."""

from __future__ import annotations

import email
import email.policy
from datetime import date, timedelta

import pytest
import time_machine
from sqlalchemy import select

from planner.domain.vocabulary import ReminderKind
from planner.extensions import db
from planner.models import AwayTime, PlanItem, PlanOccurrence, Reminder
from tests.handover_helpers import WEDNESDAY_MORNING, agreed_week
from tests.helpers import body, committing, login


@pytest.fixture
def week(app, make):
    made = make("Alex", "Sam")
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        ids = agreed_week(app, made)
        yield made, *ids


def _holders(app, item_id):
    with committing(app):
        item = db.session.get(PlanItem, item_id)
        return {o.on_date.strftime("%a"): (o.holder_id, o.asked_to_id) for o in item.occurrences}


def test_blown_on_wednesday_asks_the_partner_to_take_days_still_to_come(app, client, week):
    made, _plan_id, cooking, _days = week
    alex, sam = made.member_ids
    login(client, made.emails[0])
    response = client.post(
        "/checkin-again", data={"state": "blown", "what_would_help": "dinners this week"}
    )
    assert response.status_code == 302
    holders = _holders(app, cooking)
    assert holders["Mon"] == (alex, None) and holders["Tue"] == (alex, None)  # passed
    asked = [d for d, (_, to) in holders.items() if to == sam]
    assert asked and all(d in ("Wed", "Thu", "Fri", "Sat", "Sun") for d in asked)
    with committing(app):
        (notice,) = db.session.scalars(
            select(Reminder).where(Reminder.member_id == sam, Reminder.kind == ReminderKind.MIDWEEK)
        )
        assert notice.payload["subject"] == "Alex checked in: blown"
    login(client, made.emails[1])
    page = body(client.get("/home"))
    assert 'is <strong class="state blown">blown</strong> (checked in again)' in page
    assert "dinners this week" in page and "Alex asks: can you take <strong>Cooking dinner" in page
    with committing(app):
        first = db.session.scalar(
            select(PlanOccurrence)
            .where(PlanOccurrence.plan_item_id == cooking, PlanOccurrence.asked_to_id == sam)
            .order_by(PlanOccurrence.on_date)
        )
        assert "blown" in first.ask_reason or "room" in first.ask_reason
    assert (
        client.post(f"/week/occurrences/{first.id}/answer", data={"accept": "1"}).status_code == 302
    )
    holders = _holders(app, cooking)
    assert all(holders[d][0] == sam for d in asked)
    assert holders["Tue"] == (alex, None)


def test_okay_mid_week_proposes_nothing_and_bad_input_changes_nothing(app, client, week):
    made, plan_id, cooking, _days = week
    login(client, made.emails[0])
    assert client.post("/checkin-again", data={"state": "okay"}).status_code == 302
    assert all(to is None for _, to in _holders(app, cooking).values())
    for data, message in (
        ({"state": "exhausted"}, "Pick okay, in the reeds or blown."),
        ({}, "Pick okay, in the reeds or blown."),
        ({"state": "blown", "what_would_help": "x" * 501}, "Keep it under 500 characters."),
    ):
        response = client.post("/checkin-again", data=data)
        assert response.status_code == 422 and message in body(response)
    assert all(to is None for _, to in _holders(app, cooking).values())


def test_away_days_go_to_the_partner_who_is_there(app, client, week):
    made, _plan_id, cooking, _days = week
    alex, sam = made.member_ids
    login(client, made.emails[0])
    away = {"first_day": "2026-11-26", "last_day": "2026-11-27", "note": "conference"}
    response = client.post("/checkin-again/away", data=away)
    assert response.status_code == 302
    holders = _holders(app, cooking)
    assert holders["Thu"] == (alex, sam) and holders["Fri"] == (alex, sam)
    assert holders["Sat"] == (alex, None)
    with committing(app):
        first = db.session.scalar(
            select(PlanOccurrence).where(
                PlanOccurrence.plan_item_id == cooking, PlanOccurrence.on_date == date(2026, 11, 26)
            )
        )
        assert first.ask_reason == "Alex is away on Thursday; Sam is there."
    page = body(client.get("/home"))
    assert "You are away Thu 26 Nov – Fri 27 Nov · conference" in page


@pytest.mark.parametrize(
    ("away", "message"),
    [
        ({"first_day": "2026-11-27", "last_day": "2026-11-26"}, "The last day comes on or after"),
        ({"first_day": "2026-11-20", "last_day": "2026-11-21"}, "Those days have passed."),
        ({"first_day": "2026-12-01", "last_day": "2027-03-01"}, "Up to 60 days at a time."),
        ({"first_day": "not a day", "last_day": "2026-11-26"}, "Not a valid date value."),
        ({"first_day": "9999-01-01", "last_day": "9999-01-02"}, "Pick days within the next year."),
    ],
)
def test_bad_away_days_get_a_clear_message(app, client, week, away, message):
    made = week[0]
    login(client, made.emails[0])
    response = client.post("/checkin-again/away", data=away)
    assert response.status_code == 422 and message in body(response)
    with committing(app):
        assert db.session.scalar(select(AwayTime.id).limit(1)) is None


def test_only_the_member_away_removes_their_away_days(app, client, week):
    made = week[0]
    login(client, made.emails[0])
    client.post("/checkin-again/away", data={"first_day": "2026-12-01", "last_day": "2026-12-02"})
    with committing(app):
        away_id = db.session.scalar(select(AwayTime.id))
    login(client, made.emails[1])
    refused = client.post(f"/checkin-again/away/{away_id}/delete")
    assert refused.status_code == 303
    with committing(app):
        assert db.session.get(AwayTime, away_id) is not None
    login(client, made.emails[0])
    assert client.post(f"/checkin-again/away/{away_id}/delete").status_code == 302
    with committing(app):
        assert db.session.get(AwayTime, away_id) is None


def _text_of(mime: str) -> str:
    message = email.message_from_string(mime, policy=email.policy.default)
    return message.get_body(("plain",)).get_content()  # type: ignore[attr-defined, union-attr]


def test_the_partner_is_told_in_their_own_language(app, client, week):
    """Alex (English) checks in blown and goes away at the weekend; Sam reads Spanish, so
    both notices come to Sam in Spanish, while Alex's own page stays English. (Needs the
    compiled catalogues, as scripts/setup.sh builds them.)"""
    from planner.models import Member

    made, *_ = week
    _alex, sam = made.member_ids
    with committing(app):
        db.session.get(Member, sam).language = "es"
    login(client, made.emails[0])
    away = {"first_day": "2026-11-28", "last_day": "2026-11-29", "note": ""}
    response = client.post("/checkin-again/away", data=away, follow_redirects=True)
    assert "Away Sat–Sun noted: nothing is given to you then." in body(response)
    with time_machine.travel(WEDNESDAY_MORNING + timedelta(minutes=5), tick=False):
        client.post("/checkin-again", data={"state": "blown", "what_would_help": "dinners"})
    with committing(app):
        subjects, texts = zip(
            *(
                (r.payload["subject"], _text_of(r.payload["mime"]))
                for r in db.session.scalars(
                    select(Reminder)
                    .where(Reminder.member_id == sam, Reminder.kind == ReminderKind.MIDWEEK)
                    .order_by(Reminder.id)
                )
            ),
            strict=True,
        )
    assert subjects[0] == "Alex estará fuera: ¿puedes encargarte de 2 días?"
    assert "Alex estará fuera estos días: sábado, domingo." in texts[0]
    assert subjects[1].startswith("¿Cómo está Alex?")
    assert "Lo que ayudaría: «dinners»" in texts[1]
    assert "Planner propone que esta semana te encargues de" in texts[1]
