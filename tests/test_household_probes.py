"""The household's data at its edges: restoring a file among other households, bad files,
welcome links, what a leaver keeps, and two requests at the same moment (double clicks,
both partners at once), each race forced so that both requests have read the household
before either commits."""

from __future__ import annotations

import email
import email.policy
import io
import json
import re
import secrets
import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from flask_sqlalchemy.session import Session as RequestSession
from sqlalchemy import event, func, select

from planner.auth.services import make_reset_token, make_welcome_token
from planner.domain.vocabulary import ReminderKind, ReminderState
from planner.export import export_household, write_document
from planner.extensions import db
from planner.feeds.services import new_feed_token
from planner.models import (
    ApiToken,
    Household,
    Invite,
    Member,
    PlanChange,
    PlanOccurrence,
    Reminder,
    Responsibility,
)
from planner.reminders.channels import CHOOSABLE
from planner.reminders.kinds import KINDS
from planner.tokens import hash_token
from tests.api_helpers import bearer, is_error, make_token
from tests.handover_helpers import WEDNESDAY_MORNING, agreed_week
from tests.helpers import PASSWORD, body, committing, login
from tests.test_household_data import sign_up

ROUNDS = 2
WRITES = ("INSERT", "UPDATE", "DELETE")


# --- helpers ---------------------------------------------------------------------------


def interleaved(app, *requests: Callable[[], object]) -> list:
    """Run the requests at the same moment, each on its own thread, and force the worst
    interleaving: no request commits before every other one has reached its first write
    (or ended), so each has read the household as it was before anyone's change. A
    request whose write waits for another's lock is past that point. Their responses."""
    barrier = threading.Barrier(len(requests))
    wrote = [threading.Event() for _ in requests]
    answers: list = [None] * len(requests)
    me = threading.local()
    with app.app_context():
        engine = db.engine

    def writing(_conn, _cursor, statement, *_args) -> None:
        if getattr(me, "index", None) is not None and statement.lstrip().startswith(WRITES):
            wrote[me.index].set()

    def committing_(_session) -> None:
        if getattr(me, "index", None) is not None:
            for index, other in enumerate(wrote):
                if index != me.index:
                    assert other.wait(20), "the other request never got to a write"

    def run(index: int) -> None:
        me.index = index
        barrier.wait()
        try:
            answers[index] = requests[index]()
        except Exception as exc:  # reported, so a crash fails the test instead of hanging
            answers[index] = exc
        finally:
            wrote[index].set()

    event.listen(engine, "before_cursor_execute", writing)
    event.listen(RequestSession, "before_commit", committing_)
    try:
        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(requests))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        event.remove(engine, "before_cursor_execute", writing)
        event.remove(RequestSession, "before_commit", committing_)
    return answers


def _upload(client, data: bytes, name: str = "household.json"):
    return client.post(
        "/household/restore",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def small_file(app, make, emails: list[str]) -> dict:
    """A two-member household's export, its members renamed to `emails` (free here)."""
    made = make("Alex", "Sam")
    with time_machine.travel(WEDNESDAY_MORNING, tick=True):
        agreed_week(app, made)
    with committing(app):
        document = export_household(made.household_id)
    for member, address in zip(document["members"], emails, strict=True):
        member["email"] = address
    return document


def _households() -> int:
    return db.session.scalar(select(func.count()).select_from(Household)) or 0


def _count(app, model, *where) -> int:
    with committing(app):
        return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


# --- restore: other households, strangers' emails --------------------------------------


def test_restore_page_hint_shows_the_size_limit(app, client):
    sign_up(client, "hint@example.org")
    page = body(client.get("/household/restore"))
    assert "{{" not in page, re.search(r".{40}\{\{.{30}", page).group(0)
    assert "64 MB" in page


def test_restore_refuses_an_email_another_household_has_invited(app, client, make):
    """Else the file takes the address, and that household's invite can no longer be
    accepted ("already has an account")."""
    with time_machine.travel(WEDNESDAY_MORNING, tick=True):
        other = make("Robin")
        token = secrets.token_urlsafe(32)
        with committing(app):
            db.session.add(
                Invite(
                    household_id=other.household_id,
                    invited_by_id=other.member_ids[0],
                    email="carol@example.org",
                    token_hash=hash_token(token),
                    expires_at=WEDNESDAY_MORNING + timedelta(days=7),
                )
            )
        document = small_file(app, make, ["me@example.org", "carol@example.org"])
        sign_up(client, "me@example.org")
        before = _count(app, Household)
        restored = _upload(client, write_document(document))
        assert restored.status_code == 422
        assert "members[1].email (carol@example.org, Sam) is invited" in body(restored)
        assert _count(app, Household) == before
        carol = app.test_client()
        joined = carol.post(
            f"/join/{token}",
            data={"display_name": "Carol", "password": PASSWORD, "confirm": PASSWORD},
        )
        assert joined.status_code == 302, body(joined)[:300]


def test_a_web_upload_brings_at_most_five_members(app, client, make):
    document = small_file(app, make, ["big@example.org", "big1@example.org"])
    extra = document["members"][1]
    for n in range(2, 6):
        document["members"].append(
            {**extra, "ref": f"{extra['ref']}x{n}", "email": f"big{n}@example.org"}
        )
    sign_up(client, "big@example.org")
    response = _upload(client, write_document(document))
    assert response.status_code == 422, body(response)[:2000]
    assert "This file has 6 members" in body(response)
    with committing(app):
        assert (
            db.session.scalar(select(Member.id).where(Member.email == "big1@example.org")) is None
        )


def test_the_welcome_email_says_who_brought_it_and_how_to_ignore_it(app, client, make):
    """An address in a file becomes an account without its owner's say: the email says who
    did it, that ignoring it changes nothing, and what to do once the link has run out."""
    partner = _restored_partner(app, client, make, "me2@example.org", "stranger@example.org")
    with committing(app):
        (payload,) = db.session.scalars(
            select(Reminder.payload).where(
                Reminder.member_id == partner, Reminder.occurrence_key.startswith("restored:")
            )
        )
    message = email.message_from_string(payload["mime"], policy=email.policy.default)
    text = " ".join(message.get_body(("plain",)).get_content().split())
    assert "Alex (me2@example.org) brought" in text
    assert "If you don't know Alex, ignore this email: nothing happens unless you" in text
    assert "Forgot your password?" in text


# --- restore: bad uploads --------------------------------------------------------------


@pytest.mark.parametrize(
    ("what", "data"),
    [
        ("empty", b""),
        ("deep arrays", b"[" * 200_000 + b"]" * 200_000),
        ("deep objects", b'{"a":' * 100_000 + b"1" + b"}" * 100_000),
        ("gzip bytes", b"\x1f\x8b\x08\x00" + bytes(range(256))),
        ("lone surrogate", None),
        ("NUL in text", None),
    ],
)
def test_bad_uploads_are_422_not_500(app, client, make, what, data):
    """A lone surrogate ("\\ud800": json.loads accepts it, no database driver can encode
    it) and a NUL (PostgreSQL refuses U+0000 in text) are refused, naming the place."""
    email = f"bad.{what.replace(' ', '-')}@example.org"
    if data is None:
        document = small_file(app, make, [email, f"p.{email}"])
        bad = "\ud800" if what == "lone surrogate" else "a\u0000b"
        document["household"]["name"] = "Home " + bad
        data = json.dumps(document).encode()  # ensure_ascii: the escape as JSON writes it
    sign_up(client, email)
    response = _upload(client, data)
    assert response.status_code == 422, (what, response.status_code)
    if what == "empty":
        assert "The file is empty." in body(response)
    if data is not None and what in ("lone surrogate", "NUL in text"):
        assert "household.name" in body(response), body(response)[:2000]


def test_restore_without_multipart_is_422(app, client):
    sign_up(client, "json@example.org")
    response = client.post(
        "/household/restore",
        data=b'{"format": "planner-household"}',
        content_type="application/json",
    )
    assert response.status_code == 422


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_a_double_click_on_restore_restores_once_and_tells_the_second_why(app, make, round_):
    """Both passed is_empty before either committed; the second waits for the first's hold
    on the empty household, then finds it restored: 302 and 409, never a 500."""
    email = f"twice{round_}@example.org"
    document = small_file(app, make, [email, f"partner{round_}@example.org"])
    client = app.test_client()
    sign_up(client, email)
    data = write_document(document)
    before = _count(app, Household)
    answers = interleaved(app, lambda: _upload(client, data), lambda: _upload(client, data))
    codes = sorted(a.status_code if not isinstance(a, Exception) else 500 for a in answers)
    errors = [repr(a)[:300] for a in answers if isinstance(a, Exception)]
    assert codes == [302, 409], (codes, errors)
    assert "just restored" in "".join(body(a) for a in answers)
    # The empty household went, one restored household came.
    assert _count(app, Household) == before


# --- welcome and reset links -----------------------------------------------------------


def _restored_partner(app, client, make, me: str, partner: str) -> int:
    document = small_file(app, make, [me, partner])
    sign_up(client, me)
    assert _upload(client, write_document(document)).status_code == 302
    with committing(app):
        return db.session.scalar(select(Member.id).where(Member.email == partner))


def _token_for(app, member_id: int, welcome: bool) -> str:
    with committing(app), app.test_request_context():
        member = db.session.get(Member, member_id)
        return (make_welcome_token if welcome else make_reset_token)(member)


def test_welcome_link_works_once(app, client, make):
    partner = _restored_partner(app, client, make, "w1@example.org", "w1p@example.org")
    token = _token_for(app, partner, welcome=True)
    other = app.test_client()
    new = {"password": "a brand new password", "confirm": "a brand new password"}
    assert other.post(f"/reset/{token}", data=new).status_code == 302
    again = {"password": "another new password", "confirm": "another new password"}
    assert other.post(f"/reset/{token}", data=again).status_code == 410


def test_welcome_link_dies_after_an_ordinary_reset(app, client, make):
    partner = _restored_partner(app, client, make, "w2@example.org", "w2p@example.org")
    welcome = _token_for(app, partner, welcome=True)
    ordinary = _token_for(app, partner, welcome=False)
    other = app.test_client()
    new = {"password": "a brand new password", "confirm": "a brand new password"}
    assert other.post(f"/reset/{ordinary}", data=new).status_code == 302
    assert other.get(f"/reset/{welcome}").status_code == 410


def test_welcome_validity_does_not_leak_into_reset_links(app, client, make):
    with time_machine.travel(WEDNESDAY_MORNING, tick=False) as traveller:
        partner = _restored_partner(app, client, make, "w3@example.org", "w3p@example.org")
        ordinary = _token_for(app, partner, welcome=False)
        welcome = _token_for(app, partner, welcome=True)
        traveller.shift(timedelta(hours=2))
        assert app.test_client().get(f"/reset/{ordinary}").status_code == 410
        assert app.test_client().get(f"/reset/{welcome}").status_code == 200
        traveller.shift(timedelta(days=7))
        assert app.test_client().get(f"/reset/{welcome}").status_code == 410


def test_welcome_link_of_a_deleted_member_says_so(app, client, make):
    partner = _restored_partner(app, client, make, "w4@example.org", "w4p@example.org")
    welcome = _token_for(app, partner, welcome=True)
    with committing(app):
        name = db.session.get(Member, partner).household.name
    assert client.post("/household/delete", data={"name": name}).status_code == 302
    page = app.test_client().get(f"/reset/{welcome}")
    assert page.status_code == 410
    assert "already been used" not in body(page)
    assert "This link no longer works. Ask for a new one." in body(page)


# --- leave / delete my account: what stays behind --------------------------------------


def test_leaver_keeps_no_access_to_the_household_feed(app, client, make):
    """The household feed's secret URL is shown to every member on /feeds: it is replaced
    when one leaves, and the others are told in the week's history."""
    made = make("Alex", "Sam")
    with committing(app):
        token = new_feed_token(db.session.get(Household, made.household_id), None)
    login(client, made.emails[1])
    assert client.get(f"/feeds/{token}.ics").status_code == 200
    assert client.post("/household/leave").status_code == 302
    assert app.test_client().get(f"/feeds/{token}.ics").status_code == 404
    with committing(app):
        notes = db.session.scalars(
            select(PlanChange.text).where(PlanChange.household_id == made.household_id)
        )
        assert any("household calendar has a new link" in n for n in notes)


@pytest.mark.parametrize("url", ["/household/leave", "/profile/delete"])
def test_a_leavers_api_tokens_stop_working_at_once(app, client, make, url):
    made = make("Alex", "Sam")
    secret = make_token(app, made.member_ids[1])
    api = app.test_client()
    assert api.get("/api/v1/household", headers=bearer(secret)).status_code == 200
    login(client, made.emails[1])
    assert client.post(url, data={"password": PASSWORD}).status_code == 302
    assert is_error(api.get("/api/v1/household", headers=bearer(secret)), 401, "unauthorized")
    assert _count(app, ApiToken) == 0


def test_deleted_account_keeps_no_access_to_the_household_feed(app, client, make):
    """As above, after deleting one's account."""
    made = make("Alex", "Sam")
    with committing(app):
        token = new_feed_token(db.session.get(Household, made.household_id), None)
    login(client, made.emails[1])
    assert client.post("/profile/delete", data={"password": PASSWORD}).status_code == 302
    assert app.test_client().get(f"/feeds/{token}.ics").status_code == 404


def test_leavers_ask_is_not_still_mailed_to_the_partner(app, client, make):
    """Sam asks Alex to take the bins, then leaves: the ask is cleared on the occurrence,
    and its "can you take it?" notice to Alex is withdrawn if not sent yet."""
    made = make("Alex", "Sam")
    alex, sam = made.member_ids
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        plan_id, _, _ = agreed_week(app, made)
        with committing(app):
            bins = db.session.scalar(
                select(PlanOccurrence.id)
                .join(PlanOccurrence.item)
                .where(PlanOccurrence.item.property.mapper.class_.title == "Bins out")
            )
        login(client, made.emails[1])
        asked = client.post(
            f"/week/occurrences/{bins}/ask", data={"to_member_id": str(alex), "days": "one"}
        )
        assert asked.status_code == 302, body(asked)[:300]
        pending = select(Reminder.payload).where(
            Reminder.member_id == alex,
            Reminder.kind == ReminderKind.HANDOVER,
            Reminder.state == ReminderState.PENDING,
        )
        with committing(app):
            assert [p["subject"] for p in db.session.scalars(pending)], "no ask notice queued"
        assert client.post("/household/leave").status_code == 302
        with committing(app):
            left = [p["subject"] for p in db.session.scalars(pending)]
    assert not [s for s in left if "Sam" in s], left


# --- races -----------------------------------------------------------------------------


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_both_partners_leaving_at_once_one_leaves_the_other_is_told_they_are_alone(
    app, make, round_
):
    """Each takes the household's row first, so the second sees the first gone: one 302 and
    one 409 (now the only member), never a 500 nor a household left without members."""
    made = make("Alex", "Sam")
    with time_machine.travel(WEDNESDAY_MORNING, tick=True):
        agreed_week(app, made)
        alex, sam = (app.test_client() for _ in range(2))
        login(alex, made.emails[0])
        login(sam, made.emails[1])
        answers = interleaved(
            app, lambda: alex.post("/household/leave"), lambda: sam.post("/household/leave")
        )
    codes = sorted(str(a.status_code) if not isinstance(a, Exception) else repr(a) for a in answers)
    with committing(app):
        left = db.session.scalar(
            select(func.count()).select_from(Member).where(Member.household_id == made.household_id)
        )
        owners = set(
            db.session.scalars(
                select(Responsibility.default_owner_id).where(
                    Responsibility.household_id == made.household_id
                )
            )
        )
    assert (codes, left) == (["302", "409"], 1), (codes, left, owners)
    assert None not in owners, owners


@pytest.mark.parametrize("round_", range(ROUNDS))
@pytest.mark.parametrize("url", ["/household/leave", "/profile/delete"])
def test_a_double_click_on_leave_or_delete_my_account_acts_once_and_spares_the_partner(
    app, make, round_, url
):
    """The second request loaded Sam before the first committed; it must find Sam gone
    (not take the "last member" branch and delete Alex with the household)."""
    made = make("Alex", "Sam")
    with time_machine.travel(WEDNESDAY_MORNING, tick=True):
        agreed_week(app, made)
        client = app.test_client()
        login(client, made.emails[1])
        data = {"password": PASSWORD} if "delete" in url else {}
        answers = interleaved(
            app, lambda: client.post(url, data=data), lambda: client.post(url, data=data)
        )
    codes = [a.status_code if not isinstance(a, Exception) else repr(a) for a in answers]
    assert all(isinstance(c, int) and c < 500 for c in codes), codes
    with committing(app):
        mine = db.session.scalar(
            select(func.count()).select_from(Member).where(Member.email == made.emails[1])
        )
    assert mine == (1 if "leave" in url else 0)
    # Alex, who did nothing, is still a member of the household, which still exists.
    with committing(app):
        alex = db.session.get(Member, made.member_ids[0])
        household = db.session.get(Household, made.household_id)
    assert household is not None and alex is not None, (household, alex)


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_deleting_an_account_while_the_partner_deletes_the_household_never_500s(app, make, round_):
    made = make("Alex", "Sam")
    with time_machine.travel(WEDNESDAY_MORNING, tick=True):
        agreed_week(app, made)
        alex, sam = (app.test_client() for _ in range(2))
        login(alex, made.emails[0])
        login(sam, made.emails[1])
        with committing(app):
            name = db.session.get(Household, made.household_id).name
        answers = interleaved(
            app,
            lambda: alex.post("/household/delete", data={"name": name}),
            lambda: sam.post("/profile/delete", data={"password": PASSWORD}),
        )
    codes = [a.status_code if not isinstance(a, Exception) else repr(a) for a in answers]
    assert all(isinstance(c, int) and c < 500 for c in codes), codes
    assert _count(app, Household, Household.id == made.household_id) == 0


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_both_partners_deleting_their_accounts_at_once_leave_no_orphaned_household(
    app, make, round_
):
    """Never a 500 (foreign key) nor a household with no members left behind: the second
    finds itself alone and either takes the household (SQLite: it read the members after
    the first committed) or is asked to look again (409)."""
    made = make("Alex", "Sam")
    with time_machine.travel(WEDNESDAY_MORNING, tick=True):
        agreed_week(app, made)
        alex, sam = (app.test_client() for _ in range(2))
        login(alex, made.emails[0])
        login(sam, made.emails[1])
        data = {"password": PASSWORD}
        answers = interleaved(
            app,
            lambda: alex.post("/profile/delete", data=data),
            lambda: sam.post("/profile/delete", data=data),
        )
    codes = [str(a.status_code) if not isinstance(a, Exception) else repr(a) for a in answers]
    members = _count(app, Member, Member.household_id == made.household_id)
    households = _count(app, Household, Household.id == made.household_id)
    assert all(c.isdigit() and int(c) < 500 for c in codes), codes
    assert (members, households) in ((0, 0), (1, 1)), (codes, members, households)


def test_the_welcome_email_of_a_restore_is_its_own_kind_and_says_who_and_how(app, client, make):
    partner = _restored_partner(app, client, make, "w5@example.org", "w5p@example.org")
    with committing(app):
        (welcome,) = db.session.scalars(
            select(Reminder).where(
                Reminder.member_id == partner, Reminder.occurrence_key.startswith("restored:")
            )
        )
    assert welcome.kind == ReminderKind.WELCOME
    assert welcome.channel == "email"
    assert KINDS[welcome.kind].label == "Choose your password"
    assert welcome.kind not in CHOOSABLE


def test_a_member_of_a_busy_household_is_told_to_leave_first_and_then_can_restore(
    app, client, make
):
    made = make("Alex", "Sam")
    with time_machine.travel(WEDNESDAY_MORNING, tick=True):
        agreed_week(app, made)
        login(client, made.emails[1])
        refused = client.get("/household/restore")
        assert refused.status_code == 409
        assert "Leave this household; you'll start in an empty one where you can restore." in (
            body(refused)
        )
        assert client.post("/household/leave").status_code == 302
        for page in ("/home", "/week", "/household", "/selfcare", "/feeds"):
            assert client.get(page).status_code == 200, page
        assert client.get("/household/restore").status_code == 200
