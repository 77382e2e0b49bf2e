"""The weekly session in German and Spanish: its pages, the proposal's reasons and the
vocabulary, each in the reader's language ."""

from __future__ import annotations

from datetime import date

from planner.domain import balance
from planner.domain.reshare import DayLoad, reshare
from planner.domain.vocabulary import CheckInState, Kindness, room_words
from planner.extensions import db
from planner.i18n import in_language
from planner.models import Member
from tests.helpers import body, committing, login
from tests.test_session_helpers import check_in, plan_for


def _speaks(app, member_id: int, language: str) -> None:
    with committing(app):
        db.session.get(Member, member_id).language = language


def test_each_member_reads_the_proposal_in_their_own_language(app, client, make):
    planned = plan_for(app, make("Alex", "Sam"))
    alex, sam = planned.member_ids
    check_in(app, planned, alex, "blown")
    check_in(app, planned, sam, "okay")
    _speaks(app, alex, "de")
    url = f"/session/{planned.plan_id}/rebalance"
    login(client, planned.emails[0])
    text = body(client.get(url))
    assert "Was diese Woche ansteht" in text
    assert "Bei Alex geht diese Woche nichts mehr; Sam übernimmt" in text
    assert "nichts geht mehr" in text  # the check-in badge
    assert "Wechsel übernehmen" in text
    assert "Schritt 4 von 7" in text  # a first session: no look back
    # The same version of the proposal, read in English by Sam: never the German words kept.
    client.post("/logout")
    login(client, planned.emails[1])
    text = body(client.get(url))
    assert "Alex is blown this week; Sam takes" in text
    assert "Bei Alex" not in text


def test_the_check_in_step_in_spanish(app, client, make):
    planned = plan_for(app, make("Alex", "Sam"))
    _speaks(app, planned.member_ids[0], "es")
    login(client, planned.emails[0])
    text = body(client.get(f"/session/{planned.plan_id}/checkin"))
    assert "¿Cómo estás esta semana?" in text
    assert "Con el agua al cuello" in text and "No puedo más" in text
    assert "energía 60" in text
    assert "Guardar mi estado" in text


def test_the_week_and_its_days_are_dated_in_the_readers_language(app, client, make):
    planned = plan_for(app, make("Alex", "Sam"))
    _speaks(app, planned.member_ids[0], "de")
    login(client, planned.emails[0])
    text = body(client.get(f"/session/{planned.plan_id}/look-ahead"))
    assert "Woche ab " in text and "Week of" not in text
    assert "Montag, " in text or "Dienstag, " in text  # the open day, named in German


def test_vocabulary_is_translated_when_read(app):
    with app.test_request_context():
        assert CheckInState.IN_THE_REEDS.label == "in the reeds"
        with in_language("de"):
            assert CheckInState.IN_THE_REEDS.label == "Land unter"
            assert CheckInState.BLOWN.hint == "Völlig erschöpft."
            assert room_words(90) == "viel Luft"
        with in_language("es"):
            assert CheckInState.BLOWN.label == "no puedo más"
            assert Kindness.DEFER.this_week == "espera a la semana que viene"
            assert room_words(0) == "sin margen"
        assert room_words(0) == "no room"


def test_reasons_speak_the_current_language(app):
    members = [
        balance.MemberLoad(1, "Alex", 25, "blown"),
        balance.MemberLoad(2, "Sam", 100, "okay"),
    ]
    items = [balance.Item(1, "Dishes", 200, 1), balance.Item(2, "Bins", 30, 1)]
    with app.test_request_context(), in_language("es"):
        proposal = balance.propose(members, items)
        assert (
            proposal.moves[0].reason
            == "Alex no puede más esta semana; Sam se encarga de Dishes (200 min)."
        )
        days = [DayLoad(7, 1, "Dishes", date(2026, 11, 3), 1, 20)]
        moves = reshare(1, members, days, {1: {date(2026, 11, 3)}})
        assert moves[0].reason == "Alex no está el martes; Sam sí."
