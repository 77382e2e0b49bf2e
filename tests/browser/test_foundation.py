"""Sign up, invite, join, settings and sign-in in real Chromium at phone size."""

from __future__ import annotations

import pytest

from tests.browser.conftest import check_a11y
from tests.browser.flows import PASSWORD, couple, sign_in, sign_up, unique_email

pytestmark = pytest.mark.browser


def test_sign_up_invite_and_join(new_context, live, shot):
    pair = couple(new_context, live, shot=shot)
    b = pair.b
    check_a11y(b, "home of the partner")
    assert "Welcome to The Parkers" in b.locator(".flashes").inner_text()
    guide = b.locator("#guide").inner_text()
    assert "Invite your partner" in guide and "Alex" in b.locator(".partner-now").inner_text()
    shot(b, "partner-home")

    b.get_by_role("link", name="More").click()
    b.get_by_role("link", name="You Your name, email and password").click()
    check_a11y(b, "profile")
    shot(b, "profile")

    a = pair.a
    a.goto("/household")
    assert "Sam" in a.locator("#invite").inner_text()
    assert a.locator('nav a[aria-current="page"]').count() == 0  # under More
    check_a11y(a, "settings with two members")
    shot(a, "settings-two-members")


def test_bad_input_is_explained_beside_the_field(new_context, shot):
    page = new_context().new_page()
    page.goto("/signup")
    page.get_by_label("Household name").fill("Home")
    page.get_by_label("Your name").fill("Kim")
    page.get_by_label("Email").fill("not an email")
    page.get_by_label("Password").fill("short")
    page.get_by_label("Time zone").fill("Mars/Olympus")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Create household").click()
    assert posted.value.status == 422
    assert page.get_by_label("Password").get_attribute("aria-invalid") == "true"
    assert "at least 10 characters" in page.locator(".field.has-error").all_inner_texts()[1]
    check_a11y(page, "sign-up with errors")
    shot(page, "signup-errors")


def test_sign_in_and_out_without_javascript(new_context, live):
    email = unique_email("nojs")
    sign_up(new_context().new_page(), email)
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, email)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")
    assert "signed out" in page.locator(".flashes").inner_text()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD + "x")
    page.get_by_role("button", name="Sign in").click()
    assert "don't match" in page.locator(".error").inner_text()


def test_sign_up_starts_from_the_browsers_time_zone(new_context, live):
    """The zone field is a searchable list and starts at the phone's own zone."""
    page = new_context(timezone_id="America/New_York").new_page()
    page.goto("/signup")
    zone = page.get_by_label("Time zone")
    assert zone.input_value() == "America/New_York"
    assert zone.get_attribute("list") == "timezones"
    assert page.locator("#timezones option[value='Europe/London']").count() == 1
    page.get_by_label("Household name").fill("The Garcias")
    page.get_by_label("Your name").fill("Ana")
    page.get_by_label("Email").fill(unique_email("ana"))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create household").click()
    page.wait_for_url("**/home")
    page.goto("/household")
    assert page.get_by_label("Time zone").input_value() == "America/New_York"
