"""Two saves of the same thing at once: the second is refused with a clear message and
the current value, and what its author entered is still in the form."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_a11y
from tests.browser.flows import couple, pick_starter, sign_in

pytestmark = pytest.mark.browser


def start_session(page) -> str:
    page.goto("/session")
    page.get_by_role("button", name="Start the session").click()
    expect(page.locator("h1")).to_contain_text("Your weekly session")
    return page.url


def test_same_check_in_saved_on_two_devices(new_context, live, shot):
    pair = couple(new_context, live)
    phone = pair.a
    plan_url = start_session(phone)
    laptop = new_context().new_page()
    sign_in(laptop, pair.a_email)
    for page in (phone, laptop):
        page.goto(plan_url + "/checkin")

    phone.get_by_role("radio", name="Okay").first.check()
    phone.locator("#what_would_help").fill("An early night")
    phone.get_by_role("button", name="Save my check-in").click()
    expect(phone.locator(".flashes")).to_contain_text("Saved.")

    laptop.get_by_role("radio", name="Blown").first.check()
    laptop.locator("#what_would_help").fill("Someone else cooks")
    with laptop.expect_response(lambda r: r.request.method == "POST") as posted:
        laptop.get_by_role("button", name="Save my check-in").click()
    assert posted.value.status == 409
    alert = laptop.get_by_role("alert")
    expect(alert).to_contain_text("Not saved")
    expect(alert).to_contain_text("okay, capacity 100")
    expect(alert).to_contain_text("An early night")
    assert laptop.get_by_role("radio", name="Blown").first.is_checked()
    assert laptop.locator("#what_would_help").input_value() == "Someone else cooks"
    check_a11y(laptop, "check-in conflict")
    shot(laptop, "checkin-conflict")

    laptop.get_by_role("button", name="Save my check-in").click()  # a deliberate second save wins
    expect(laptop.locator(".flashes")).to_contain_text("Saved.")
    expect(laptop.locator("#live-checkins")).to_contain_text("blown")


def test_owner_changed_by_both_at_once(new_context, live, shot):
    pair = couple(new_context, live)
    a, b = pair.a, pair.b
    pick_starter(a, {"dishes": "Alex", "dinner": "Sam"})
    plan_url = start_session(a)
    for page in (a, b):
        page.goto(plan_url + "/rebalance")
        page.get_by_text("Change an owner by hand").click()

    a.get_by_role("combobox", name="Dishes").select_option(label="Sam")
    a.get_by_role("button", name="Save the owner of Dishes").click()
    expect(a.locator(".flashes")).to_contain_text("Owner changed")

    b.get_by_role("combobox", name="Dishes").select_option(label="Alex")
    with b.expect_response(lambda r: r.request.method == "POST") as posted:
        b.get_by_role("button", name="Save the owner of Dishes").click()
    assert posted.value.status == 409
    alert = b.get_by_role("alert")
    expect(alert).to_contain_text("Dishes changed owner while you were choosing")
    expect(alert).to_contain_text("Now: Sam")
    # "Your version is still in the form": the page of owners keeps the choice.
    expect(b.get_by_role("heading", name="Change an owner by hand")).to_be_visible()
    selected = b.get_by_role("combobox", name="Dishes").locator("option:checked")
    expect(selected).to_have_text("Alex")
    check_a11y(b, "owner conflict")
    shot(b, "owner-conflict")
