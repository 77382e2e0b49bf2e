"""CSRF on every state-changing route: the suite runs with CSRF on (tests post the token as
a browser does, tests.helpers.BrowserClient), and here every POST/PUT/PATCH/DELETE rule of
the URL map is sent a forged request, with no token, and must be refused before it acts.
A new route is covered the day it is added; an exemption must be listed here, with why."""

from __future__ import annotations

import re

import pytest

from planner.extensions import db
from planner.models import Household
from tests.helpers import STATE_CHANGING, body, committing, login
from tests.test_isolation import OWNED_FACTORIES

REFUSED = "This form has expired"  # the CSRF error page (planner/errors.py)

# endpoint -> why a request without a token may change something there. None today:
# - the calendar feed (feeds.feed) is GET only, so it is not walked at all;
# - reminders.preferences_post is exempt from the blanket check only for an RFC 8058
#   one-click unsubscribe (a signed link, `List-Unsubscribe=One-Click`); every other POST
#   there, the preferences form, still needs the token, so it is walked like the rest
#   (and the one-click forgery without a link is checked below).
EXEMPT: dict[str, str] = {}

# Arguments that are not household-owned ids: any well-formed value reaches the view.
PLAIN_ARGUMENTS = {
    "token": "x" * 43,
    "week_start": "2026-11-23",
    "week": "2026-11-23",
}


def state_changing_urls(app, ids: dict) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every state-changing method of every rule."""
    values = {**PLAIN_ARGUMENTS, **ids}
    found = []
    for rule in app.url_map.iter_rules():
        methods = sorted((rule.methods or set()) & STATE_CHANGING)
        if not methods:
            continue
        missing = rule.arguments - values.keys()
        assert not missing, f"{rule.rule} takes {missing}: give it a value in test_csrf.py"
        url = rule.build({name: values[name] for name in rule.arguments})[1]
        for method in methods:
            found.append((rule.endpoint, method, url))
    return found


@pytest.fixture
def signed_in_with_data(app, client, make):
    """A signed-in member whose household owns one of everything the URLs point at."""
    made = make("Alex", "Sam")
    with committing(app):
        ids = {name: factory(made) for name, factory in OWNED_FACTORIES.items()}
    login(client, made.emails[0])
    return made, ids


def test_every_state_changing_route_refuses_a_request_without_a_token(
    app, client, signed_in_with_data
):
    made, ids = signed_in_with_data
    with committing(app):
        version = db.session.get(Household, made.household_id).version
    urls = state_changing_urls(app, ids)
    assert len(urls) >= 40  # the walk really covers the app (a sanity floor, not a count)
    accepted = []
    for endpoint, method, url in urls:
        if endpoint in EXEMPT:
            continue
        if endpoint.startswith("api."):
            # The API never takes the cookie, so there is nothing to forge: 401 before it acts.
            response = client.open(url, method=method, json={}, csrf=False)
            if response.status_code != 401:
                accepted.append(
                    f"{method} {url} ({endpoint}) with a cookie: {response.status_code}"
                )
            continue
        for forged in ({}, {"csrf_token": ""}, {"csrf_token": "not-a-token"}):
            response = client.open(url, method=method, data=forged, csrf=False)
            if response.status_code != 400 or REFUSED not in body(response):
                accepted.append(f"{method} {url} ({endpoint}) {forged}: {response.status_code}")
    assert not accepted, "accepted without a valid CSRF token:\n" + "\n".join(accepted)
    with committing(app):
        assert db.session.get(Household, made.household_id).version == version  # nothing changed


def test_htmx_and_json_requests_without_the_header_are_refused(app, client, signed_in_with_data):
    _, ids = signed_in_with_data
    url = f"/week/occurrences/{ids['occurrence_id']}/done"
    refused = client.post(url, json={}, headers={"HX-Request": "true"}, csrf=False)
    assert refused.status_code == 400
    wrong = client.post(url, headers={"HX-Request": "true", "X-CSRFToken": "forged"}, csrf=False)
    assert wrong.status_code == 400
    sent = client.post(url, json={}, headers={"HX-Request": "true"})  # the helper's header
    assert sent.status_code != 400, body(sent)


def test_the_token_the_client_posts_is_the_one_in_its_page(app, client, signed_in_with_data):
    """The helper's token works exactly like the page's: both are accepted, and a token
    from another session (another browser) is refused."""
    made, _ = signed_in_with_data
    page = body(client.get("/profile"))
    from_page = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    profile = {"display_name": "Named by the form", "email": made.emails[0], "colour": "#3d7ea6"}
    ok = client.post("/profile", data={**profile, "csrf_token": from_page})
    assert ok.status_code == 302, body(ok)
    stranger = app.test_client()
    stolen = client.post("/profile", data={**profile, "csrf_token": stranger.csrf_token()})
    assert stolen.status_code == 400 and REFUSED in body(stolen)
    helped = client.post("/profile", data={**profile, "display_name": "Named by the helper"})
    assert helped.status_code == 302
    assert "Named by the helper" in body(client.get("/profile"))


def test_one_click_unsubscribe_without_a_signed_link_is_a_forgery(app, client, make):
    made = make("Alex")
    login(client, made.emails[0])
    forged = client.post(
        "/reminders/preferences",
        data={"List-Unsubscribe": "One-Click", "selfcare": "off", "planning": "off"},
        csrf=False,
    )
    assert forged.status_code == 400 and REFUSED in body(forged)
