"""The inventory in real Chromium at phone size: one area at a time, the other areas one
tap away, a big area a page at a time, and archiving from a later page coming back to it,
with JavaScript off too."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.inventory.services import list_areas
from planner.models import Member, Responsibility
from tests.browser.conftest import check_a11y
from tests.browser.flows import sign_in, sign_up, unique_email

pytestmark = pytest.mark.browser


def add_many(live, email: str, area_key: str, count: int, title: str = "Tidy drawer") -> None:
    """`count` more responsibilities in one area, straight into the live server's database."""
    with live.app.app_context():
        member = db.session.scalar(select(Member).where(Member.email == email))
        area = next(a for a in list_areas(member.household) if a.key == area_key)
        db.session.add_all(
            Responsibility(
                household_id=member.household_id,
                area_id=area.id,
                title=f"{title} {n:02d}",
                rrule="FREQ=WEEKLY;BYDAY=SA",
                starts_on=date(2026, 1, 3),
                effort_minutes=10,
                mental_load_minutes=2,
                default_owner_id=member.id,
            )
            for n in range(count)
        )
        db.session.commit()


def test_one_area_at_a_time_at_phone_size(new_context, live, shot):
    email = unique_email("areas")
    page = new_context().new_page()
    sign_up(page, email)
    page.goto("/inventory")
    page.get_by_role("button", name="Set up the usual areas").click()
    add_many(live, email, "home", 62)
    add_many(live, email, "out", 1, title="Groceries")

    page.goto("/inventory")
    tabs = page.get_by_role("navigation", name="Areas")
    assert tabs.get_by_role("link", name=re.compile(r"^Home 62")).get_attribute("aria-current")
    assert page.locator(".inv-row").count() == 50
    check_a11y(page, "inventory, first page of an area")
    too_wide = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
    assert too_wide <= 0, f"the inventory is {too_wide}px wider than a 390px phone"
    shot(page, "inventory-home")

    tabs.get_by_role("link", name=re.compile(r"^Out 1")).click()
    page.wait_for_url(re.compile(r"/inventory\?area=out$"))
    assert page.locator(".inv-title").all_inner_texts() == ["Groceries 00"]
    shot(page, "inventory-out")


def test_paging_and_archiving_without_javascript(new_context, live):
    email = unique_email("pages")
    sign_up(new_context().new_page(), email)
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, email)
    page.goto("/inventory")
    page.get_by_role("button", name="Set up the usual areas").click()
    add_many(live, email, "home", 70)

    page.goto("/inventory")
    page.get_by_role("link", name="Next 20").click()
    page.wait_for_url(re.compile(r"/inventory\?area=home&page=2$"))
    assert page.locator(".pager").inner_text().count("51–70 of 70") == 1
    first = page.locator(".inv-title").first.inner_text()
    assert first == "Tidy drawer 50"
    page.get_by_role("button", name=f"Archive {first}").click()
    page.wait_for_url(re.compile(r"/inventory\?area=home&page=2#r-\d+$"))
    assert f"Archived {first}" in page.locator(".flashes").inner_text()
    assert first not in page.locator(".inv-title").all_inner_texts()

    page.get_by_role("link", name="Show 1 archived").click()
    page.get_by_role("link", name="Next 20").click()
    page.get_by_role("button", name=f"Bring back {first}").click()
    page.wait_for_url(re.compile(r"/inventory\?area=home&page=2&archived=1#r-\d+$"))
    assert f"{first} is back" in page.locator(".flashes").inner_text()
