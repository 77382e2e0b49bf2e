"""The household's data from its pages: download it, restore a file into an empty new
household, leave the household, delete one's account."""

from __future__ import annotations

import copy
import io
import json
import re
from datetime import time

import pytest
import time_machine
from sqlalchemy import func, select

from planner.domain.vocabulary import ReminderKind
from planner.export import export_household, write_document
from planner.export.files import MOST_BYTES
from planner.extensions import db
from planner.household.ownership import UPLOAD_MOST
from planner.models import (
    ChannelChoice,
    FeedToken,
    Household,
    Member,
    PlanChange,
    PlanItem,
    PushSubscription,
    Reminder,
    Responsibility,
    SelfCareSlot,
)
from tests.export_helpers import MOMENT, full_demo, retire_emails, without_moment
from tests.handover_helpers import WEDNESDAY_MORNING, agreed_week
from tests.helpers import PASSWORD, body, committing, login

# --- download --------------------------------------------------------------------------


def test_any_member_downloads_the_household_as_its_export(app, client, make):
    made = make("Alex", "Sam", name="Oak Street · Flat 2")
    with time_machine.travel(MOMENT, tick=False):
        login(client, made.emails[1])
        page = body(client.get("/household"))
        assert page.count("Download our data") == 1
        assert re.search(r"<title>[^<]*</title>", page)  # the page's title is words only
        response = client.get("/household/export")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="planner-household-oak-street-flat-2-2026-11-18.json"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    document = json.loads(response.get_data())
    assert document["format"] == "planner-household"
    assert [m["email"] for m in document["members"]] == made.emails
    with committing(app):
        assert without_moment(document) == without_moment(export_household(made.household_id))


def test_signed_out_no_download(client, make):
    make("Alex")
    response = client.get("/household/export")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- upload ----------------------------------------------------------------------------


@pytest.fixture
def demo_file(app) -> dict:
    """The demo household's export; the demo's members then take other addresses, so its
    first member's email is free for a new sign-up (as on another server)."""
    with time_machine.travel(MOMENT, tick=True), committing(app):
        household = full_demo()
        document = export_household(household.id)
        retire_emails(household.id)
    return document


def sign_up(client, email: str, household: str = "New start") -> None:
    """A new account in a new, empty household, signed in."""
    response = client.post(
        "/signup",
        data={
            "household_name": household,
            "display_name": "Me",
            "email": email,
            "password": PASSWORD,
            "confirm": PASSWORD,
            "timezone": "Europe/London",
        },
    )
    assert response.status_code == 302, body(response)


def _upload(client, data: bytes):
    file = (io.BytesIO(data), "household.json")
    return client.post(
        "/household/restore", data={"file": file}, content_type="multipart/form-data"
    )


def _households() -> int:
    return db.session.scalar(select(func.count()).select_from(Household)) or 0


def test_an_empty_household_takes_the_uploaded_one(app, client, demo_file):
    alex, sam = (m["email"] for m in demo_file["members"])
    sign_up(client, alex)
    with committing(app):
        empty = db.session.scalar(select(Member).where(Member.email == alex)).household_id
    assert "Restore a household from a file" in body(client.get("/household"))
    response = _upload(client, write_document(demo_file))
    assert response.status_code == 302, body(response)
    assert client.get("/home").status_code == 200  # still signed in, same password
    with committing(app):
        me = db.session.scalar(select(Member).where(Member.email == alex))
        assert me.household_id != empty and me.display_name == "Alex"
        assert db.session.get(Household, empty) is None
        again = export_household(me.household_id)
        assert without_moment(again) == without_moment(demo_file)
        notice = db.session.scalar(select(Reminder).where(Reminder.kind == ReminderKind.WELCOME))
        assert notice is not None and notice.payload["to"] == sam
        assert notice.household_id == me.household_id
        mime = notice.payload["mime"].replace("=\r\n", "").replace("=3D", "=")
    link = re.search(r"http://planner\.test(/reset/[\w.-]+)", mime)
    assert link is not None
    partner = app.test_client()
    assert partner.get(link.group(1)).status_code == 200
    new_password = "a brand new password"
    answer = partner.post(link.group(1), data={"password": new_password, "confirm": new_password})
    assert answer.status_code == 302
    assert login(partner, sam, new_password).status_code == 302
    assert "Demo" in body(partner.get("/household"))


def test_a_household_with_things_in_it_is_not_replaced(app, client, demo_file, make):
    alex = demo_file["members"][0]["email"]
    sign_up(client, alex)
    with committing(app):
        me = db.session.scalar(select(Member).where(Member.email == alex))
        db.session.add(
            SelfCareSlot(
                household_id=me.household_id,
                member_id=me.id,
                title="Run",
                weekday=1,
                start_time=time(7),
                minutes=30,
            )
        )
        count = _households()
    assert client.get("/household/restore").status_code == 409
    assert "Restore a household from a file" not in body(client.get("/household"))
    response = _upload(client, write_document(demo_file))
    assert response.status_code == 409
    assert "new, empty household" in body(response)
    with committing(app):
        assert _households() == count
        assert db.session.scalar(select(Member.household_id).where(Member.email == alex)) == (
            me.household_id
        )


def _broken(document: dict, change) -> bytes:
    copied = copy.deepcopy(document)
    change(copied)
    return write_document(copied)


def _bad_files(document: dict) -> list[tuple[str, bytes, str]]:
    whole = write_document(document)
    return [
        ("truncated", whole[: len(whole) // 2], "ends too early"),
        ("not JSON", b"BEGIN:VCALENDAR", "not valid JSON"),
        ("wrong version", _broken(document, lambda d: d.update(version=2)), "version 2"),
        ("duplicate keys", b'{"format": "a", "format": "b"}', '"format" twice'),
        (
            "wrong type",
            _broken(document, lambda d: d["areas"][0].update(position="first")),
            "areas[0].position must be a whole number",
        ),
        (
            "missing ref",
            _broken(document, lambda d: d["responsibilities"][0].update(area="area-999")),
            "area-999, which is not in the file",
        ),
        (
            "not my email",
            _broken(document, lambda d: d["members"][0].update(email="someone@else.org")),
            "No member in this file has your email",
        ),
        ("too big", b" " * (MOST_BYTES + 1), "larger than 64 MB"),
    ]


def test_bad_files_get_a_clear_message_and_change_nothing(app, client, demo_file):
    alex = demo_file["members"][0]["email"]
    sign_up(client, alex)
    with committing(app):
        count = _households()
        home = db.session.scalar(select(Member.household_id).where(Member.email == alex))
    for what, data, message in _bad_files(demo_file):
        response = _upload(client, data)
        assert response.status_code == 422, what
        assert message in body(response), what
    response = client.post("/household/restore", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose an export file" in body(response)
    with committing(app):
        assert _households() == count
        assert db.session.scalar(select(Member.household_id).where(Member.email == alex)) == home
        assert db.session.scalar(select(Reminder.id).where(Reminder.kind == "handover")) is None


def test_a_file_beyond_the_upload_limit_gets_the_too_large_page(client, make):
    made = make("Alex")
    login(client, made.emails[0])
    response = _upload(client, b" " * (UPLOAD_MOST + 1))
    assert response.status_code == 413
    assert "That file is too large" in body(response)


# --- leave -----------------------------------------------------------------------------


def _devices_and_feeds(made) -> None:
    sam = made.member_ids[1]
    db.session.add_all(
        [
            PushSubscription(
                household_id=made.household_id,
                member_id=sam,
                endpoint="https://push.example.org/sam",
                p256dh="k",
                auth="a",
            ),
            FeedToken(
                household_id=made.household_id, member_id=sam, token_hash="f" * 64, nonce="n"
            ),
            ChannelChoice(member_id=sam, kind=ReminderKind.SELFCARE, email=False, push=True),
            SelfCareSlot(
                household_id=made.household_id,
                member_id=sam,
                title="Climbing",
                weekday=3,
                start_time=time(18),
                minutes=90,
            ),
        ]
    )


def test_leaving_hands_things_back_and_starts_a_household_of_ones_own(app, client, make):
    made = make("Alex", "Sam", name="Oak Street")
    alex = made.member_ids[0]
    partner = app.test_client()
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        plan_id, _, _ = agreed_week(app, made)
        with committing(app):
            _devices_and_feeds(made)
        login(client, made.emails[1])
        login(partner, made.emails[0])
        page = client.get("/household/leave")
        assert page.status_code == 200
        assert "go to Alex" in body(page)
        response = client.post("/household/leave")
        assert response.status_code == 302
        assert client.get("/home").status_code == 200  # signed in, in their own household
        assert partner.get("/home").status_code == 200
    with committing(app):
        bins = db.session.scalar(select(Responsibility).where(Responsibility.title == "Bins out"))
        assert bins.default_owner_id == alex
        owners = db.session.scalars(
            select(PlanItem.owner_id).where(PlanItem.week_plan_id == plan_id)
        )
        assert set(owners) == {alex}
        note = db.session.scalar(select(PlanChange.text).where(PlanChange.week_plan_id == plan_id))
        assert note == "Sam left the household. Their things went to Alex: Bins out."
        for model in (PushSubscription, FeedToken, SelfCareSlot):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0, model
        assert db.session.scalar(select(func.count()).select_from(ChannelChoice)) == 0
        again = db.session.scalar(select(Member).where(Member.email == made.emails[1]))
        assert again.household_id != made.household_id
        assert again.household.name == "Sam's household"
        assert [m.id for m in db.session.get(Household, made.household_id).members] == [alex]
        reminded = select(Reminder.member_id).where(Reminder.household_id == made.household_id)
        assert set(db.session.scalars(reminded)) <= {alex}
    other = app.test_client()
    assert login(other, made.emails[1]).status_code == 302  # the same password


def test_leaving_signs_the_leaver_out_elsewhere(app, client, make):
    made = make("Alex", "Sam")
    elsewhere = app.test_client()
    login(client, made.emails[1])
    login(elsewhere, made.emails[1])
    assert client.post("/household/leave").status_code == 302
    assert elsewhere.get("/home").status_code == 302


def test_the_last_member_cannot_leave(app, client, make):
    made = make("Alex")
    login(client, made.emails[0])
    page = client.get("/household/leave")
    assert page.status_code == 409 and "delete the household" in body(page)
    assert client.post("/household/leave").status_code == 409
    with committing(app):
        assert db.session.get(Member, made.member_ids[0]).household_id == made.household_id


# --- delete my account -----------------------------------------------------------------


def test_deleting_my_account_needs_my_password(app, client, make):
    made = make("Alex", "Sam")
    login(client, made.emails[1])
    response = client.post("/profile/delete", data={"password": "not my password"})
    assert response.status_code == 422
    assert "isn't your password" in body(response)
    assert client.post("/profile/delete", data={"password": ""}).status_code == 422
    with committing(app):
        assert db.session.get(Member, made.member_ids[1]) is not None


def test_deleting_my_account_hands_things_back(app, client, make):
    made = make("Alex", "Sam")
    alex, sam = made.member_ids
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        plan_id, _, _ = agreed_week(app, made)
        login(client, made.emails[1])
        assert "Delete my account" in body(client.get("/profile"))
        response = client.post("/profile/delete", data={"password": PASSWORD})
        assert response.status_code == 302
        assert client.get("/home").status_code == 302
    with committing(app):
        assert db.session.get(Member, sam) is None
        assert db.session.scalar(select(Member.id).where(Member.email == made.emails[1])) is None
        household = db.session.get(Household, made.household_id)
        assert [m.id for m in household.members] == [alex]
        owners = db.session.scalars(
            select(PlanItem.owner_id).where(PlanItem.week_plan_id == plan_id)
        )
        assert set(owners) == {alex}
    assert login(app.test_client(), made.emails[1]).status_code == 422


def test_the_last_member_deleting_their_account_takes_the_household(app, client, make):
    made = make("Alex")
    other = make("Robin")
    login(client, made.emails[0])
    assert client.post("/profile/delete", data={"password": PASSWORD}).status_code == 302
    with committing(app):
        assert db.session.get(Household, made.household_id) is None
        assert db.session.get(Household, other.household_id) is not None
