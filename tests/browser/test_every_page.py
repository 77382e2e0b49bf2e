"""Every page a member reaches from the navigation, at phone size: axe finds nothing
serious, nothing is wider than the screen, and nothing loads from another host."""

from __future__ import annotations

import pytest

from tests.browser.conftest import check_a11y
from tests.browser.flows import couple, pick_starter

pytestmark = pytest.mark.browser

MORE_PAGES = (
    "/inventory/new",
    "/inventory/areas",
    "/inventory/starter",
    "/feeds",
    "/imports",
    "/reminders/preferences",
    "/week?mine=1",
    "/week?all=1",
    "/household/leave",
    "/household/delete",
    "/profile/delete",
    "/reset",
)


def test_every_page_at_phone_size(new_context, live, shot):
    pair = couple(new_context, live)
    page = pair.a
    pick_starter(page, {"dishes": "Alex", "dinner": "Sam", "bathroom": "Sam"})
    page.goto("/home")
    nav = page.get_by_role("navigation", name="Main").get_by_role("link")
    paths = [nav.nth(i).get_attribute("href") for i in range(nav.count())]
    assert len(paths) == 5, paths  # one row on a phone; the rest is under More
    page.goto("/more")
    more = page.locator(".more-list a")
    paths += [more.nth(i).get_attribute("href") for i in range(more.count())]
    assert len(paths) >= 12, paths
    for path in (*paths, *MORE_PAGES):
        response = page.goto(path)
        assert response.status == 200, f"{path}: HTTP {response.status}"
        check_a11y(page, path)
        too_wide = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
        assert too_wide <= 0, f"{path} is {too_wide}px wider than a 390px phone"
        shot(page, path.strip("/").replace("/", "-").replace("?", "-") or "root")
