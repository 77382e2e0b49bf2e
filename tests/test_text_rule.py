"""One cleaning rule for every piece of text a member types: no control characters,
trimmed, and non-empty where it is required. Bad text gets a clear message and saves
nothing; it never reaches an email header or a PostgreSQL column as a NUL byte."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from planner.domain.text import clean_text
from planner.extensions import db
from planner.inventory.services import ensure_areas
from planner.models import Household, Member, PlanOccurrence, Responsibility
from planner.week.services import week_start_for_household
from tests.helpers import body, committing, login


@pytest.fixture
def alex(client, make):
    made = make("Alex", "Sam")
    login(client, made.emails[0])
    return made


def test_the_rule():
    assert clean_text("  Bins\x00 out\x1b[2J ") == "Bins  out [2J"
    assert clean_text("Alex\r\nBcc: x@evil.example") == "Alex Bcc: x@evil.example"
    assert clean_text(" two\r\nlines\x00\tand a tab ", multiline=True) == "two\nlines\tand a tab"
    assert clean_text(None) is None


def test_control_characters_never_reach_a_stored_name(app, client, alex):
    profile = {"display_name": "Al\x00ex\x07", "email": alex.emails[0], "colour": "#3d7ea6"}
    assert client.post("/profile", data=profile).status_code == 302
    with committing(app):
        assert db.session.get(Member, alex.member_ids[0]).display_name == "Al ex"


@pytest.mark.parametrize("name", ["   ", "\x00\x00", " \t\r\n "])
def test_a_name_of_only_spaces_or_control_characters_is_refused(app, client, alex, name):
    profile = {"display_name": name, "email": alex.emails[0], "colour": "#3d7ea6"}
    response = client.post("/profile", data=profile)
    assert response.status_code == 422
    assert "Tell us your name." in body(response)
    with committing(app):
        assert db.session.get(Member, alex.member_ids[0]).display_name == "Alex"


def test_a_colour_must_be_the_whole_value(app, client, alex):
    profile = {"display_name": "Alex", "email": alex.emails[0], "colour": "#3d7ea6\nff"}
    response = client.post("/profile", data=profile)
    assert response.status_code == 422 and "Use a colour like #3d7ea6." in body(response)


def test_a_nul_byte_in_a_responsibility_is_cleaned_not_a_server_error(app, client, alex):
    with committing(app):
        area_id = ensure_areas(db.session.get(Household, alex.household_id))[0].id
    form = {
        "title": "Bins\x00 out",
        "area_id": area_id,
        "cadence_kind": "weekly",
        "weekdays": "0",
        "starts_on": "2026-11-23",
        "effort_minutes": "10",
        "mental_load_minutes": "5",
        "default_owner_id": alex.member_ids[0],
        "minimum_standard": "Out by 7\x1b",
        "notes": "line one\r\nline\x00 two",
    }
    response = client.post("/inventory/new", data=form)
    assert response.status_code == 302, body(response)
    with committing(app):
        saved = db.session.scalar(select(Responsibility))
        assert (saved.title, saved.minimum_standard, saved.notes) == (
            "Bins  out",
            "Out by 7",
            "line one\nline two",
        )


def test_a_skip_reason_of_only_spaces_is_refused_clearly(app, client, alex):
    with committing(app):
        household = db.session.get(Household, alex.household_id)
        week = week_start_for_household(household)
    response = client.post(
        f"/week/{week.isoformat()}/items",
        data={
            "title": "Cake",
            "on_date": week.isoformat(),
            "effort_minutes": "30",
            "owner_id": alex.member_ids[0],
        },
    )
    assert response.status_code == 302
    with committing(app):
        occurrence_id = db.session.scalar(select(PlanOccurrence.id))
    response = client.post(
        f"/week/occurrences/{occurrence_id}/skip", data={f"skip-{occurrence_id}-reason": "   "}
    )
    assert response.status_code == 422
    assert "Say briefly why" in body(response)
    with committing(app):
        occurrence = db.session.get(PlanOccurrence, occurrence_id)
        assert (occurrence.state, occurrence.skip_reason) == ("open", "")
