"""Sign-in hardening: throttling per account and per real client, sessions that end at
sign-out, caching and transport headers, a CSRF token per sign-in, tokens kept out of logs."""

from __future__ import annotations

import http.client
import logging
import os
import re
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select
from werkzeug.security import check_password_hash
from werkzeug.serving import make_server

from planner import create_app
from planner.extensions import db
from planner.models import Household, LoginThrottle, Member, WeekPlan
from tests.conftest import TEST_SECRET, app_settings, free_port
from tests.helpers import PASSWORD, body, committing, login

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NO_MATCH = "don't match"
TOO_MANY = "Too many attempts"


def attempt(client, email: str, password: str, address: str, **headers):
    response = client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    )
    return response.status_code, body(response)


def throttle_rows(app) -> dict[str, int]:
    with committing(app):
        return {row.key: row.failures for row in db.session.scalars(select(LoginThrottle))}


# --- throttling -----------------------------------------------------------------------


@pytest.fixture
def proxied_app(database_url, tmp_path, app):
    # The suite's database (its schema exists) and test client, behind one trusted proxy.
    proxied = create_app(app_settings(database_url, tmp_path, PLANNER_TRUSTED_PROXIES=1))
    proxied.test_client_class = app.test_client_class
    return proxied


def test_behind_a_trusted_proxy_each_real_client_is_throttled_on_its_own(proxied_app, app, make):
    made = make("Alex")
    proxy = "10.0.0.1"
    guesser, owner = proxied_app.test_client(), proxied_app.test_client()
    answers = [
        attempt(
            guesser,
            f"nobody{i}@example.com",
            "guess guess",
            proxy,
            **{"X-Forwarded-For": "203.0.113.7"},
        )[1]
        for i in range(12)
    ]
    assert sum(NO_MATCH in a for a in answers) == 10
    assert TOO_MANY in answers[-1]
    # Another person behind the same proxy signs in as usual.
    status, _ = attempt(
        owner, made.emails[0], PASSWORD, proxy, **{"X-Forwarded-For": "198.51.100.9"}
    )
    assert status == 302
    rows = throttle_rows(app)
    assert rows["addr:203.0.113.7"] == 10 and "addr:10.0.0.1" not in rows
    # Without the setting nobody can pick their own address with a header.
    status, _ = attempt(
        app.test_client(),
        "x@example.com",
        "guess guess",
        "192.0.2.5",
        **{"X-Forwarded-For": "1.2.3.4"},
    )
    assert "addr:192.0.2.5" in throttle_rows(app) and "addr:1.2.3.4" not in throttle_rows(app)


def test_guessing_one_account_from_many_addresses_delays_it_and_the_owner_gets_in_after(app, make):
    made = make("Alex")
    email = made.emails[0]
    with time_machine.travel(START, tick=False) as traveller:
        answers = [
            attempt(app.test_client(), email, "guess guess", f"198.51.100.{i}")[1]
            for i in range(1, 41)
        ]
        assert sum(NO_MATCH in a for a in answers) == 5  # then every guess waits
        assert all(TOO_MANY in a for a in answers[5:])
        owner = app.test_client()
        assert TOO_MANY in attempt(owner, email, PASSWORD, "192.0.2.1")[1]  # waiting…
        traveller.shift(timedelta(seconds=31))  # …only for the first wait, not a lock-out
        assert NO_MATCH in attempt(app.test_client(), email, "guess guess", "198.51.100.99")[1]
        traveller.shift(timedelta(seconds=31))  # the wait grew: 60 s after the 6th guess
        assert TOO_MANY in attempt(owner, email, PASSWORD, "192.0.2.1")[1]
        traveller.shift(timedelta(seconds=30))
        assert attempt(owner, email, PASSWORD, "192.0.2.1")[0] == 302
    assert f"email:{email}" not in throttle_rows(app)  # the owner's sign-in forgot them


def test_guesses_from_one_address_stay_throttled_between_good_sign_ins(app, make):
    made = make("Mallory")
    client, address = app.test_client(), "203.0.113.50"
    answers = []
    for i in range(24):
        if i % 4 == 0:
            status, _ = attempt(client, made.emails[0], PASSWORD, address)
            if status == 302:
                client.post("/logout")
        answers.append(attempt(client, f"victim{i}@example.com", "guess guess", address)[1])
    assert sum(NO_MATCH in a for a in answers) == 10
    assert all(TOO_MANY in a for a in answers[10:])
    assert throttle_rows(app)[f"addr:{address}"] == 10


def test_simultaneous_first_failures_never_collide_and_both_count(app):
    rounds, problems = 20, []
    for r in range(rounds):
        email, address = f"nobody{r}@example.com", f"10.9.{r}.1"
        barrier = threading.Barrier(2)

        def guess(email=email, address=address, barrier=barrier):
            client = app.test_client()
            barrier.wait()
            try:
                status, _ = attempt(client, email, "guess guess", address)
            except Exception as exc:  # an unhandled error would be a 500 in production
                problems.append(repr(exc))
            else:
                if status != 422:
                    problems.append(status)

        threads = [threading.Thread(target=guess) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert problems == []
    rows = throttle_rows(app)
    for r in range(rounds):
        assert rows[f"email:nobody{r}@example.com"] == 2
        assert rows[f"addr:10.9.{r}.1"] == 2


def test_shared_screen_guesses_delay_the_partner_briefly_not_for_a_quarter_hour(app, make):
    from planner.session import services
    from tests.test_session_helpers import plan_for

    planned = plan_for(app, make("Alex", "Sam"))
    sam = planned.member_ids[1]
    with committing(app):
        base = services.plan_fingerprint(
            services.load_plan(db.session.get(WeekPlan, planned.plan_id))
        )
    with time_machine.travel(START, tick=False) as traveller:
        client = app.test_client()
        login(client, planned.emails[0])
        url = f"/session/{planned.plan_id}/agree"
        for _ in range(5):
            client.post(
                url, data={"for": sam, f"p{sam}-base": base, f"p{sam}-password": "guess guess"}
            )
        assert attempt(app.test_client(), planned.emails[1], PASSWORD, "192.0.2.7")[0] == 422
        traveller.shift(timedelta(seconds=31))
        assert attempt(app.test_client(), planned.emails[1], PASSWORD, "192.0.2.7")[0] == 302


def test_current_password_checks_are_throttled(app, make):
    made = make("Alex")
    client = app.test_client()
    login(client, made.emails[0])
    new = "a brand new password"

    def change(current: str):
        return client.post(
            "/profile/password",
            data={"current_password": current, "password": new, "confirm": new},
        )

    for _ in range(5):
        assert "isn't your current password" in body(change("guess guess"))
    refused = change(PASSWORD)
    assert refused.status_code >= 400 and TOO_MANY in body(refused)
    with committing(app):
        member = db.session.get(Member, made.member_ids[0])
        assert check_password_hash(member.password_hash, PASSWORD)  # unchanged


def test_reset_emails_are_limited_per_target_and_per_address(app, smtp_app, smtp_server, make):
    made = make("Alex")
    client = app.test_client()

    def ask(email: str, address: str):
        response = client.post(
            "/reset", data={"email": email}, environ_base={"REMOTE_ADDR": address}
        )
        return response.status_code, response.location

    # One target asked for from many addresses: a few emails, the same answer every time.
    answers = {ask(made.emails[0], f"198.51.100.{i}") for i in range(1, 101)}
    assert answers == {(302, "/login")}
    assert len(smtp_server.to(made.emails[0])) == 3
    assert ask("nobody@example.com", "198.51.100.200") == (302, "/login")  # alike for no account
    # Many targets asked for from one address: refused after ten.
    statuses = [ask(f"someone{i}@example.com", "203.0.113.9")[0] for i in range(12)]
    assert statuses[:10] == [302] * 10 and set(statuses[10:]) == {422}
    page = body(
        client.post(
            "/reset", data={"email": made.emails[0]}, environ_base={"REMOTE_ADDR": "203.0.113.9"}
        )
    )
    assert "Too many reset requests" in page
    assert len(smtp_server.messages) == 3


# --- sessions ------------------------------------------------------------------------


def test_a_session_cookie_replayed_after_sign_out_is_not_signed_in(app, make):
    made = make("Alex")
    client, other_device = app.test_client(), app.test_client()
    login(client, made.emails[0])
    login(other_device, made.emails[0])
    cookie = client.get_cookie("session").value
    assert client.post("/logout").status_code == 302
    client.set_cookie("session", cookie)
    response = client.get("/home")
    assert response.status_code == 302 and "/login" in response.location
    assert other_device.get("/home").status_code == 302  # signing out ends every session


def test_a_remember_me_cookie_alone_after_sign_out_is_not_signed_in(app, make):
    made = make("Alex")
    client = app.test_client()
    client.post("/login", data={"email": made.emails[0], "password": PASSWORD, "remember": "y"})
    remembered = client.get_cookie("remember_token").value
    before = app.test_client()
    before.set_cookie("remember_token", remembered)
    assert before.get("/home").status_code == 200  # the cookie alone signs in, until…
    client.post("/logout")
    after = app.test_client()
    after.set_cookie("remember_token", remembered)
    assert after.get("/home").status_code == 302


# --- headers -------------------------------------------------------------------------


def test_hsts_outside_debug_only(app, database_url, tmp_path):
    assert (
        app.test_client().get("/login").headers["Strict-Transport-Security"].startswith("max-age=")
    )
    debug = create_app(app_settings(database_url, tmp_path, TESTING=False, DEBUG=True))
    assert "Strict-Transport-Security" not in debug.test_client().get("/login").headers


def test_signed_in_pages_are_not_stored_but_static_files_and_feeds_keep_their_caching(app, make):
    from planner.feeds import services as feeds

    made = make("Alex")
    with committing(app):
        token = feeds.new_feed_token(db.session.get(Household, made.household_id), None)
    client = app.test_client()
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    login(client, made.emails[0])
    for path in ["/home", "/household", "/profile", "/feeds"]:
        assert client.get(path).headers["Cache-Control"] == "private, no-store", path
    static = client.get("/static/app.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")
    feed = client.get(f"/feeds/{token}.ics")
    assert feed.status_code == 200 and feed.headers["Cache-Control"] == "private, no-cache"


@pytest.fixture
def csrf_app(database_url, tmp_path, app):
    return create_app(app_settings(database_url, tmp_path, WTF_CSRF_ENABLED=True))


def test_the_csrf_token_from_before_sign_in_is_worthless_after_it(csrf_app, make):
    made = make("Alex")
    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    old = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"email": made.emails[0], "password": PASSWORD, "csrf_token": old}
    )
    assert response.status_code == 302
    settings = {
        "name": "Renamed",
        "timezone": "UTC",
        "week_start": 0,
        "planning_weekday": 6,
        "planning_time": "19:00",
        "planning_minutes": 30,
    }
    assert client.post("/household", data={**settings, "csrf_token": old}).status_code == 400
    page = client.get("/household").get_data(as_text=True)
    new = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert new != old


# --- logs ----------------------------------------------------------------------------


def _secret_paths(app, made) -> tuple[str, list[str]]:
    from planner.feeds import services as feeds

    with committing(app):
        token = feeds.new_feed_token(db.session.get(Household, made.household_id), None)
    secret = token
    return secret, [
        f"/feeds/{secret}.ics",
        f"/reset/{secret}",
        f"/join/{secret}",
        f"/reminders/slot?token={secret}&action=kept",
    ]


def test_the_development_servers_log_shows_no_tokens(app, make, caplog):
    secret, paths = _secret_paths(app, make("Alex"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    caplog.set_level(logging.INFO, logger="werkzeug")
    try:
        for path in paths:
            conn = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
            conn.request("GET", path)
            conn.getresponse().read()
            conn.close()
    finally:
        server.shutdown()
        thread.join()
    app.logger.error("Exception on %s [GET]", paths[0])  # Flask's own words for a failure
    lines = [r.getMessage() for r in caplog.records]
    assert any("/feeds/….ics" in line for line in lines)
    assert any("/reset/…" in line for line in lines) and any("token=…" in line for line in lines)
    assert not [line for line in lines if secret in line]


def test_gunicorns_access_log_shows_no_tokens(app, make, database_url, tmp_path):
    secret, paths = _secret_paths(app, make("Alex"))
    access, errors, port = tmp_path / "access.log", tmp_path / "error.log", free_port()
    env = {
        **os.environ,
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": database_url,
        "PLANNER_SCHEDULER": "off",
        "MAIL_FILE_DIR": str(tmp_path / "mail"),
    }
    cmd = [str(ROOT / ".venv/bin/gunicorn"), "-w", "1", "-b", f"127.0.0.1:{port}"]
    cmd += ["--access-logfile", str(access), "--error-logfile", str(errors), "wsgi:app"]
    server = subprocess.Popen(cmd, cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", "/login")
                conn.getresponse().read()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        for path in paths:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", path)
            conn.getresponse().read()
            conn.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    logged = access.read_text()
    assert "/feeds/….ics" in logged and "/join/…" in logged and "token=…" in logged
    assert secret not in logged and secret not in errors.read_text()


def test_members_get_their_own_session_secret(app, make):
    made = make("Alex", "Sam")
    with committing(app):
        secrets = {m.session_secret for m in db.session.scalars(select(Member))}
    assert len(secrets) == len(made.member_ids) and all(len(s) == 32 for s in secrets)
