"""The household pages, their messages and what they write speak the member's language:
the signed-in member's on pages, the leaver's in the history note, the recipient's in the
welcome email of a restore (the restorer's when the file gives none)."""

from __future__ import annotations

import email
import email.policy
import io
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select

from planner.export import write_document
from planner.extensions import db
from planner.i18n import in_language, moment
from planner.models import Invite, Member, PlanChange, Reminder
from tests.handover_helpers import WEDNESDAY_MORNING, agreed_week
from tests.helpers import PASSWORD, body, committing, login
from tests.test_household_probes import small_file

ROOT = Path(__file__).resolve().parent.parent


def moment_in(app, language: str, value) -> str:
    with app.test_request_context(), in_language(language):
        return moment(value, "date", tz=ZoneInfo("Europe/London"))


def _speaks(app, member_id: int, language: str) -> None:
    with committing(app):
        db.session.get(Member, member_id).language = language


def test_the_pages_speak_the_members_language(app, client, make):
    made = make("Alex", "Sam", name="Oak Street")
    _speaks(app, made.member_ids[0], "de")
    with committing(app):
        db.session.add(
            Invite(
                household_id=made.household_id,
                email="kim@example.org",
                token_hash="x" * 64,
                invited_by_id=made.member_ids[0],
                created_at=WEDNESDAY_MORNING,
                expires_at=WEDNESDAY_MORNING + timedelta(days=7),
            )
        )
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        login(client, made.emails[0])
        page = body(client.get("/household"))
        profile = body(client.get("/profile"))
        leave = body(client.get("/household/leave"))
        delete = body(client.get("/household/delete"))
    assert "Einstellungen des Haushalts" in page and "Name des Haushalts" in page
    expires = moment_in(app, "de", WEDNESDAY_MORNING + timedelta(days=7))
    assert "Offene Einladungen" in page and f"bis {expires}" in page
    assert "Household settings" not in page and '<option selected value="0">Montag</option>' in page
    assert "Dein Profil" in profile and "Mein Konto löschen" in profile
    assert "Oak Street verlassen" in leave and "ab dieser Woche an Sam" in leave
    assert "Haushalt löschen" in delete


def test_refusals_and_form_errors_in_the_members_language(app, client, make):
    made = make("Alex", name="Oak Street")
    login(client, made.emails[0])
    _speaks(app, made.member_ids[0], "es")
    response = client.post("/household/delete", data={"name": "Elm Street"})
    assert response.status_code == 422
    assert "Ese no es el nombre del hogar tal y como aparece aquí" in body(response)
    bad = client.post("/profile/password", data={"current_password": "", "password": "x"})
    assert "Escribe tu contraseña actual." in body(bad)


def test_a_profile_saved_in_a_new_language_says_so_in_it(app, client, make):
    made = make("Alex")
    login(client, made.emails[0])
    form = {"display_name": "Alex", "email": made.emails[0], "colour": "#3d7ea6"}
    response = client.post("/profile", data={**form, "language": "de"}, follow_redirects=True)
    assert "Profil gespeichert." in body(response)
    assert "Dein Profil" in body(response)


def test_the_leavers_note_and_new_household_are_in_the_leavers_language(app, client, make):
    made = make("Alex", "Sam", name="Oak Street")
    _speaks(app, made.member_ids[1], "es")
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        plan_id, _, _ = agreed_week(app, made)
        login(client, made.emails[1])
        response = client.post("/household/leave", follow_redirects=True)
        assert "Has salido de Oak Street. Este es ahora tu propio hogar." in body(response)
    with committing(app):
        note = db.session.scalar(select(PlanChange.text).where(PlanChange.week_plan_id == plan_id))
        assert note == "Sam ha dejado el hogar. Sus tareas han pasado a Alex: Bins out."
        again = db.session.scalar(select(Member).where(Member.email == made.emails[1]))
        assert again.household.name == "Hogar de Sam"
        assert again.language == "es"  # leaving keeps the member's language


def test_the_welcome_email_speaks_the_restorers_language_when_the_file_gives_none(
    app, client, make
):
    document = small_file(app, make, ["yo@example.org", "pareja@example.org"])
    signup = {
        "household_name": "Nuevo",
        "display_name": "Yo",
        "email": "yo@example.org",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "timezone": "Europe/Madrid",
    }
    spanish = {"Accept-Language": "es"}
    assert client.post("/signup", data=signup, headers=spanish).status_code == 302
    upload = {"file": (io.BytesIO(write_document(document)), "household.json")}
    response = client.post(
        "/household/restore",
        data=upload,
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "se ha restaurado. El resto recibe un correo" in body(response)
    with committing(app):
        partner = db.session.scalar(select(Member).where(Member.email == "pareja@example.org"))
        assert partner.language == "es"
        payload = db.session.scalar(
            select(Reminder.payload).where(Reminder.member_id == partner.id)
        )
    message = email.message_from_string(payload["mime"], policy=email.policy.default)
    assert message["Subject"] == "Elige tu contraseña de Planner"
    text = " ".join(message.get_body(("plain",)).get_content().split())
    assert "Alex (yo@example.org) ha traído" in text
    assert "durante 7 días" in text and "«¿Olvidaste tu contraseña?»" in text
