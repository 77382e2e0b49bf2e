"""Leaving a household and deleting one, in real Chromium at phone size."""

from __future__ import annotations

import pytest

from tests.browser.conftest import check_a11y
from tests.browser.flows import couple, pick_starter

pytestmark = pytest.mark.browser


def test_leave_then_delete_the_household(new_context, live, shot):
    pair = couple(new_context, live)
    a, b = pair.a, pair.b
    pick_starter(b, {"dishes": "Sam"})

    b.goto("/household")
    b.get_by_role("link", name="Leave the household").click()
    assert "Leaving The Parkers" in b.locator("h1").inner_text()
    assert "go to Alex" in b.locator("main").inner_text()
    check_a11y(b, "leaving the household")
    shot(b, "leave-household")
    b.get_by_role("button", name="Leave The Parkers").click()
    b.wait_for_url("**/home")
    assert "You've left The Parkers" in b.locator(".flashes").inner_text()

    a.goto("/household")
    a.get_by_role("link", name="Delete the household").click()
    a.get_by_label("Type the household's name").fill("the parkers")
    with a.expect_response(lambda r: r.request.method == "POST") as posted:
        a.get_by_role("button", name="Delete the household").click()
    assert posted.value.status == 422
    assert "nothing was deleted" in a.locator(".field.has-error").inner_text()
    check_a11y(a, "delete the household, wrong name")
    shot(a, "delete-household-wrong-name")
    a.get_by_label("Type the household's name").fill("The Parkers")
    a.get_by_role("button", name="Delete the household").click()
    a.wait_for_load_state()
    assert "everything in it is deleted" in a.locator(".flashes").inner_text()
    shot(a, "household-deleted")
    a.goto("/home")
    assert "/login" in a.url
