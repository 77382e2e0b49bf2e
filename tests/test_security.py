"""CSRF, security headers, cookie flags and the secret-key guard."""

import re

import pytest

from planner import create_app
from planner.config import ConfigError
from tests.conftest import app_settings
from tests.helpers import PASSWORD, login


def test_forged_post_without_token_is_refused(client, make):
    # The suite runs with CSRF on; csrf=False posts as a cross-site form would, tokenless.
    made = make("Alex")
    response = client.post(
        "/login", data={"email": made.emails[0], "password": PASSWORD}, csrf=False
    )
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
    assert client.get("/home").status_code == 302  # not signed in


def test_post_with_token_from_the_form_works_and_forged_state_change_fails(client, make):
    made = make("Alex")
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"email": made.emails[0], "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    # a signed-in member, but a cross-site form with no token: refused, nothing changed
    forged = client.post(
        "/household",
        data={
            "name": "Hacked",
            "timezone": "UTC",
            "week_start": 0,
            "planning_weekday": 6,
            "planning_time": "19:00",
            "planning_minutes": 30,
        },
        csrf=False,
    )
    assert forged.status_code == 400
    assert "Hacked" not in client.get("/household").get_data(as_text=True)


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_no_inline_scripts_or_third_party_hosts_in_pages(client, make):
    made = make("Alex")
    login(client, made.emails[0])
    for path in ["/login", "/signup", "/home", "/household", "/profile"]:
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        for url in re.findall(r'(?:src|href)="(https?:[^"]+)"', html):
            pytest.fail(f"{path} loads {url} from another host")


def test_session_cookie_flags(client, make):
    made = make("Alex")
    response = login(client, made.emails[0])
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secure_cookie_and_secret_key_required_outside_debug(tmp_path, monkeypatch, database_url):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env here
    settings = app_settings(database_url, tmp_path)
    settings.update(TESTING=False, SECRET_KEY="")
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app(settings)
    settings.update(SECRET_KEY="dev")
    with pytest.raises(ConfigError):
        create_app(settings)
    settings.update(SECRET_KEY="a" * 64)
    app = create_app(settings)
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_debug_without_key_uses_a_throwaway_key(tmp_path, monkeypatch, database_url):
    monkeypatch.chdir(tmp_path)
    settings = app_settings(database_url, tmp_path, TESTING=False, DEBUG=True, SECRET_KEY="")
    app = create_app(settings)
    assert len(app.config["SECRET_KEY"]) >= 32
