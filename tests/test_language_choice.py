"""Which language a member reads: the browser's before anyone signs in and at sign-up, then
their own setting, whatever the browser says; partners may differ, each sees their own."""

from __future__ import annotations

from functools import cache

import pytest
from babel.support import Translations
from sqlalchemy import select

from planner.extensions import db
from planner.models import Member
from tests.helpers import body, login
from tests.test_translations import CATALOGUES


@cache
def said_in(language: str):
    """The catalogue's gettext for `language` (English says the msgid itself)."""
    if language == "en":
        return lambda text: text
    return Translations.load(str(CATALOGUES), [language]).gettext


def speaks(response, language: str) -> bool:
    page = body(response)
    return f'<html lang="{language}"' in page and said_in(language)("Sign in") in page


def in_page(response, language: str, *texts: str) -> bool:
    page = body(response)
    return all(said_in(language)(t) in page for t in texts)


def save_profile(client, email: str, language: str):
    data = {"display_name": "Alex", "email": email, "colour": "#3d7ea6", "language": language}
    return client.post("/profile", data=data)


def set_language(app, member_id: int, language: str) -> None:
    with app.app_context():
        db.session.get(Member, member_id).language = language
        db.session.commit()


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("de-DE,de;q=0.9,en;q=0.5", "de"),
        ("fr-FR, es;q=0.8, en;q=0.3", "es"),
        ("fr-FR", "en"),
        ("", "en"),
    ],
)
def test_before_signing_in_the_browsers_language_is_spoken(client, header, language):
    response = client.get("/login", headers={"Accept-Language": header} if header else {})
    assert response.status_code == 200
    assert speaks(response, language)


def test_signing_up_keeps_the_browsers_language(client, ctx):
    response = client.post(
        "/signup",
        data={
            "household_name": "Die Parkers",
            "display_name": "Alex",
            "email": "alex@example.com",
            "password": "a long kind password",
            "timezone": "Europe/Berlin",
        },
        headers={"Accept-Language": "de"},
    )
    assert response.status_code == 302
    assert db.session.scalar(select(Member.language)) == "de"
    home = client.get("/home")  # no header now: the member's own language
    assert '<html lang="de"' in body(home) and in_page(home, "de", "Today", "Week")


def test_a_members_own_language_beats_the_browsers(app, client, make):
    made = make("Alex", "Sam")
    set_language(app, made.member_ids[0], "es")
    login(client, made.emails[0])
    home = client.get("/home", headers={"Accept-Language": "de"})
    assert '<html lang="es"' in body(home) and in_page(home, "es", "Today", "Week")
    assert not in_page(home, "de", "Today")


def test_partners_each_read_their_own_language(app, make):
    made = make("Alex", "Sam")
    set_language(app, made.member_ids[0], "de")
    pages = {}
    for email in made.emails:
        client = app.test_client()
        login(client, email)
        pages[email] = client.get("/home", headers={"Accept-Language": "es"})
    alex, sam = (pages[e] for e in made.emails)
    assert '<html lang="de"' in body(alex) and in_page(alex, "de", "Today", "Week")
    assert '<html lang="en"' in body(sam) and in_page(sam, "en", "Today", "Week")
    assert not in_page(sam, "de", "Today")


def test_choosing_a_language_on_the_profile_changes_every_page(app, client, make):
    made = make("Alex", "Sam")
    login(client, made.emails[0])
    assert save_profile(client, made.emails[0], "es").status_code == 302
    with app.app_context():
        assert db.session.get(Member, made.member_ids[0]).language == "es"
    assert in_page(client.get("/home"), "es", "Today")
    assert in_page(client.get("/profile"), "es", "Language")


def test_a_language_not_offered_is_refused_and_changes_nothing(app, client, make):
    made = make("Alex")
    login(client, made.emails[0])
    assert save_profile(client, made.emails[0], "xx").status_code == 422
    with app.app_context():
        assert db.session.get(Member, made.member_ids[0]).language == "en"


def test_being_sent_to_sign_in_is_said_in_the_browsers_language(client):
    response = client.get("/home", headers={"Accept-Language": "de"}, follow_redirects=True)
    assert said_in("de")("Please sign in to continue.") in body(response)
    assert "Please sign in to continue." not in body(response)
