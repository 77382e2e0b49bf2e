from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from planner.extensions import db
from planner.models import Household, Invite, Member, utcnow
from tests.helpers import PASSWORD, body, committing, links_in, login


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def signup(client, email="alex@example.com", **extra):
    data = {
        "household_name": "The Parkers",
        "display_name": "Alex",
        "email": email,
        "password": PASSWORD,
        "timezone": "Europe/Berlin",
    }
    data.update(extra)
    return client.post("/signup", data=data)


def test_signup_creates_household_and_first_member(client, ctx):
    response = signup(client)
    assert response.status_code == 302
    member = db.session.scalar(select(Member))
    assert member.email == "alex@example.com"
    assert member.household.name == "The Parkers"
    assert member.household.timezone == "Europe/Berlin"
    assert member.password_hash.startswith("scrypt:")  # a current algorithm, never plain
    assert client.get("/home").status_code == 200


def test_signup_bad_input_is_explained_and_saves_nothing(client, ctx):
    for bad, message in [
        ({"email": "not-an-email"}, "valid email"),
        ({"password": "short"}, "at least 10"),
        ({"timezone": "Mars/Olympus"}, "time zone"),
        ({"household_name": ""}, "name"),
    ]:
        response = signup(client, **bad)
        assert response.status_code == 422
        assert message in body(response)
    assert count(Household) == 0 and count(Member) == 0


def test_signup_with_taken_email_is_refused(client, ctx, make):
    made = make("Alex")
    response = signup(client, email=made.emails[0].upper())
    assert response.status_code == 422
    assert "already has an account" in body(response)
    assert count(Household) == 1


def test_login_logout(client, make):
    made = make("Alex")
    assert client.get("/home").status_code == 302
    response = login(client, made.emails[0])
    assert response.status_code == 302 and response.location.endswith("/home")
    assert client.get("/home").status_code == 200
    assert client.get("/logout").status_code == 405  # logging out is a POST
    assert client.post("/logout").status_code == 302
    assert client.get("/home").status_code == 302


def test_login_wrong_password_and_throttling(client, make):
    made = make("Alex")
    for _ in range(5):
        response = login(client, made.emails[0], "wrong password!")
        assert response.status_code == 422
        assert "don't match" in body(response)
    response = login(client, made.emails[0])  # right password, but locked for now
    assert response.status_code == 422
    assert "Too many attempts" in body(response)


def test_login_next_redirect_is_validated(client, make):
    made = make("Alex")
    response = client.post(
        "/login?next=//evil.example/x", data={"email": made.emails[0], "password": PASSWORD}
    )
    assert response.location.endswith("/home")
    client.post("/logout")
    response = client.post(
        "/login?next=/profile", data={"email": made.emails[0], "password": PASSWORD}
    )
    assert response.location.endswith("/profile")


def test_invite_partner_and_join(client, app, ctx, make):
    made = make("Alex")
    login(client, made.emails[0])
    response = client.post("/household/invites", data={"email": "sam@example.com"})
    assert response.status_code == 200
    page = body(response)
    link = next(u for u in links_in(page) if "/join/" in u)
    invite = db.session.scalar(select(Invite))
    assert invite.token_hash not in link  # only the hash is stored
    assert (invite.expires_at - utcnow()) > timedelta(days=6, hours=23)
    client.post("/logout")

    partner = app.test_client()
    path = link.replace("http://planner.test", "")
    join_page = partner.get(path)
    assert join_page.status_code == 200 and "Join Home 1" in body(join_page)
    bad = partner.post(
        path, data={"display_name": "Sam", "password": PASSWORD, "confirm": "different"}
    )
    assert bad.status_code == 422 and "don't match" in body(bad)
    ok = partner.post(path, data={"display_name": "Sam", "password": PASSWORD, "confirm": PASSWORD})
    assert ok.status_code == 302
    sam = db.session.scalar(select(Member).where(Member.email == "sam@example.com"))
    assert sam.household_id == made.household_id
    # single use
    assert app.test_client().get(path).status_code == 410


def test_invite_email_is_written_by_the_file_backend(client, app, make, tmp_path):
    made = make("Alex")
    login(client, made.emails[0])
    client.post("/household/invites", data={"email": "sam@example.com"})
    mails = list(Path(app.config["MAIL_FILE_DIR"]).glob("*.eml"))
    assert any(b"sam@example.com" in p.read_bytes() and b"/join/" in p.read_bytes() for p in mails)


def test_expired_invite_is_refused(client, app, ctx, make):
    made = make("Alex")
    login(client, made.emails[0])
    page = body(client.post("/household/invites", data={"email": "sam@example.com"}))
    link = next(u for u in links_in(page) if "/join/" in u).replace("http://planner.test", "")
    invite = db.session.scalar(select(Invite))
    invite.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = app.test_client().get(link)
    assert response.status_code == 410 and "expired" in body(response)


def test_invite_bad_email_and_existing_member(client, ctx, make):
    made = make("Alex", "Sam")
    login(client, made.emails[0])
    assert client.post("/household/invites", data={"email": "nope"}).status_code == 422
    response = client.post("/household/invites", data={"email": made.emails[1]})
    assert response.status_code == 422 and "already belongs" in body(response)
    assert count(Invite) == 0


def test_three_adult_household(client, app, ctx, make):
    made = make("Alex", "Sam")
    login(client, made.emails[0])
    page = body(client.post("/household/invites", data={"email": "kim@example.com"}))
    link = next(u for u in links_in(page) if "/join/" in u).replace("http://planner.test", "")
    app.test_client().post(
        link, data={"display_name": "Kim", "password": PASSWORD, "confirm": PASSWORD}
    )
    household = db.session.get(Household, made.household_id)
    assert [m.display_name for m in household.members] == ["Alex", "Sam", "Kim"]


def test_password_reset_by_email_single_use(app, smtp_app, smtp_server, make):
    made = make("Alex")
    client = app.test_client()
    response = client.post("/reset", data={"email": made.emails[0]})
    assert response.status_code == 302
    # unknown addresses get the same answer and no email
    assert client.post("/reset", data={"email": "nobody@example.com"}).status_code == 302
    (msg,) = smtp_server.to(made.emails[0])
    assert len(smtp_server.messages) == 1
    link = next(u for u in links_in(msg.get_body(("plain",)).get_content()) if "/reset/" in u)
    path = link.replace("http://planner.test", "")
    assert client.get(path).status_code == 200
    new = "a brand new password"
    assert client.post(path, data={"password": new, "confirm": new}).status_code == 302
    assert client.get(path).status_code == 410  # used once
    assert login(client, made.emails[0], new).status_code == 302


def test_reset_link_tampered_or_expired(client, app, make):
    assert client.get("/reset/not-a-token").status_code == 410
    made = make("Alex")
    with committing(app):
        from planner.auth.services import make_reset_token

        token = make_reset_token(db.session.get(Member, made.member_ids[0]))
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    try:
        response = client.get(f"/reset/{token}")
        assert response.status_code == 410 and "expired" in body(response)
    finally:
        del app.config["PASSWORD_RESET_MAX_AGE"]


def test_the_reset_email_and_page_speak_the_members_language_and_the_invite_the_inviters(
    app, smtp_app, smtp_server, make
):
    from tests.test_language_choice import said_in

    de = said_in("de")
    made = make("Alex", "Sam")
    with committing(app):
        db.session.get(Member, made.member_ids[0]).language = "de"
    client = app.test_client()
    # Asked for from a Spanish browser: the email is for the member, in their German.
    client.post("/reset", data={"email": made.emails[0]}, headers={"Accept-Language": "es"})
    (reset,) = smtp_server.to(made.emails[0])
    text = reset.get_body(("plain",)).get_content()
    assert reset["Subject"] == de("Reset your Planner password") != "Reset your Planner password"
    link = next(u for u in links_in(text) if "/reset/" in u)
    # The page the link opens speaks German too, in a Spanish browser.
    page = client.get(link.replace("http://planner.test", ""), headers={"Accept-Language": "es"})
    assert '<html lang="de"' in body(page)
    # An invite speaks as its sender does (the signed-in member's language).
    login(client, made.emails[0])
    client.post("/household/invites", data={"email": "kim@example.com"})
    (invite,) = smtp_server.to("kim@example.com")
    invited = de("%(name)s invited you to plan your week together") % {"name": "Alex"}
    assert invite["Subject"] == invited


def test_the_scripts_words_are_in_the_page(client):
    page = body(client.get("/login"))
    assert "data-words='{" in page and '"copied": "Copied"' in page
