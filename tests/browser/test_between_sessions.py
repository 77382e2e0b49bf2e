"""The week between sessions on two phones at 390x844: "I've got it" on one day shows on
the partner's Today without a reload, and a mid-week "blown" becomes asks the partner says
yes to. Both run on a fixed Wednesday (the server's clock; the browsers keep theirs)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine
from playwright.sync_api import expect
from sqlalchemy import select

from planner.domain.vocabulary import PlanState
from planner.extensions import db
from planner.models import Member
from planner.week import services as week_services
from tests.browser.conftest import check_a11y
from tests.browser.flows import couple
from tests.test_session_helpers import add_responsibilities

pytestmark = pytest.mark.browser

WEDNESDAY = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # Dishes daily, lunches Mon–Fri


@pytest.fixture
def agreed(new_context, live):
    """A couple whose agreed week gives Alex everything: on its Wednesday morning, with
    Today asking every second whether anything changed."""
    live.app.config["TODAY_POLL_SECONDS"] = 1
    with time_machine.travel(WEDNESDAY, tick=True):
        pair = couple(new_context, live)
        with live.app.app_context():
            alex = db.session.scalar(select(Member).where(Member.email == pair.a_email))
            household = alex.household
            add_responsibilities(household)
            start = week_services.week_start_for_household(household)
            week_services.get_or_create_week_plan(household, start).status = PlanState.AGREED
            db.session.commit()
        yield pair
    live.app.config["TODAY_POLL_SECONDS"] = 10


def _fits_a_phone(page, label: str) -> None:
    too_wide = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
    assert too_wide <= 0, f"{label} is {too_wide}px wider than the phone"
    tops = page.evaluate(
        "() => [...document.querySelectorAll('nav[aria-label=Main] a')]"
        ".map(a => Math.round(a.getBoundingClientRect().top))"
    )
    assert len(tops) == 5 and len(set(tops)) == 1, f"{label}: navigation rows at {tops}"


def _stays(page):
    """A mark that a reload would wipe: the change must arrive without one."""
    page.evaluate("() => { window.notReloaded = true; }")
    return lambda: page.evaluate("() => window.notReloaded === true")


def test_ive_got_it_shows_on_the_partners_phone_at_once(agreed, shot):
    alex, sam = agreed.a, agreed.b
    alex.goto("/home")
    mine = alex.locator("#today li.wk-entry", has_text="Dishes")
    expect(mine).to_contain_text("Done")
    _fits_a_phone(alex, "Alex's Today")
    check_a11y(alex, "today")
    shot(alex, "alex-today")
    still_here = _stays(alex)

    sam.goto("/home")
    theirs = sam.locator("#partners-today li.wk-entry", has_text="Dishes")
    _fits_a_phone(sam, "Sam's Today")
    shot(sam, "sam-today-before")
    theirs.get_by_role("button", name="I've got it").click()
    sam.wait_for_url(re.compile(r"/home#occ-\d+$"))
    expect(sam.locator(".flashes")).to_contain_text("Dishes")
    expect(sam.locator("#today li.wk-entry", has_text="Dishes")).to_be_visible()
    shot(sam, "sam-took-it")

    # Alex's phone, untouched: Today shows who has it now and offers it back.
    waiting = alex.locator("#waiting")
    expect(waiting).to_contain_text("Sam has Dishes today", timeout=8000)
    expect(alex.locator("#today li.wk-entry", has_text="Dishes")).to_have_count(0)
    assert still_here(), "Alex's page reloaded instead of refreshing its region"
    shot(alex, "alex-sees-it-taken")

    # "Thanks, I've got it after all": back on Alex's list, and off Sam's without a reload.
    sam_here = _stays(sam)
    waiting.get_by_role("button", name="Thanks, I've got it after all").click()
    expect(alex.locator("#today li.wk-entry", has_text="Dishes")).to_be_visible()
    expect(sam.locator("#today li.wk-entry", has_text="Dishes")).to_have_count(0, timeout=8000)
    assert sam_here()

    alex.goto("/week")
    _fits_a_phone(alex, "the week")
    shot(alex, "alex-week")


def test_blown_mid_week_becomes_asks_the_partner_says_yes_to(agreed, shot):
    alex, sam = agreed.a, agreed.b
    sam.goto("/home")
    expect(sam.locator("#asked-of-you")).to_have_count(0)
    still_here = _stays(sam)

    alex.goto("/home")
    alex.get_by_role("link", name="Check in again").click()
    alex.get_by_label("Blown").check()
    alex.get_by_label(re.compile("What would help")).fill("I'm wiped out; could you do the dishes?")
    check_a11y(alex, "check in again")
    shot(alex, "alex-checks-in-again")
    alex.get_by_role("button", name="Save how I am").click()
    alex.wait_for_url(re.compile(r"/home$"))
    flash = alex.locator(".flashes").inner_text()
    asked = int(re.search(r"asked your partner to take (\d+) of your days", flash).group(1))
    assert asked >= 1
    expect(alex.locator("#waiting")).to_contain_text("You asked Sam about")
    shot(alex, "alex-asked")

    # Sam's phone shows how Alex is and what they asked, without a reload.
    partner = sam.locator("section.partner-now", has_text="Alex")
    expect(partner).to_contain_text("blown (checked in again)", timeout=8000)
    expect(partner).to_contain_text("could you do the dishes?")
    asks = sam.locator("#asked-of-you li.ask-row")
    expect(asks.first).to_be_visible()
    assert still_here()
    _fits_a_phone(sam, "Sam's Today with asks")
    check_a11y(sam, "asks on today")
    shot(sam, "sam-asked")
    first = asks.first.inner_text()
    title = re.search(r"can you take (.+?) (?:today|on|from)", first).group(1)
    asks.first.get_by_role("button", name="Yes, I've got it").click()
    sam.wait_for_url(re.compile(r"/home"))
    expect(sam.locator(".flashes")).to_contain_text(title)
    shot(sam, "sam-said-yes")

    # Accepted: Alex's Today no longer waits on that one, and says Sam has it.
    alex.goto("/home")
    expect(alex.locator("#waiting")).to_contain_text(f"Sam has {title}")
    shot(alex, "alex-after-yes")


def test_the_week_opens_one_day_and_its_forms_load_in_place(agreed, shot):
    """By day: today open, another day one tap away; "Can you take it?" and "Skip" load
    their forms in place of the link (htmx), and work as pages of their own too."""
    alex, sam = agreed.a, agreed.b
    alex.goto("/week")
    today = alex.locator("li.wk-day.open")
    expect(today).to_have_attribute("id", "day-2026-11-25")
    expect(alex.locator("li.wk-day-line")).to_have_count(6)
    expect(alex.locator("li.wk-entry", has_text="Laundry")).to_have_count(0)  # Mon and Thu
    _fits_a_phone(alex, "the week by day")
    check_a11y(alex, "the week by day")
    shot(alex, "week-by-day")

    alex.locator("#day-2026-11-26 a").click()  # Thursday, one tap away
    alex.wait_for_url(re.compile(r"\?day=2026-11-26#day-2026-11-26$"))
    expect(alex.locator("li.wk-day.open")).to_have_attribute("id", "day-2026-11-26")
    laundry = alex.locator("li.wk-entry", has_text="Laundry")
    expect(laundry).to_be_visible()

    still_here = _stays(alex)
    laundry.get_by_role("link", name="Can you take it?").click()
    form = laundry.locator("[data-inline-form]")
    expect(form).to_contain_text("Ask Sam to take Laundry")
    expect(form.get_by_label("Just Thursday")).to_be_focused()
    assert still_here(), "the form loaded by a new page, not in place"
    _fits_a_phone(alex, "an ask in place")
    check_a11y(alex, "an ask in place")
    shot(alex, "week-ask-in-place")
    form.get_by_label("The rest of the week").check()
    form.get_by_label("A word about it (optional)").fill("A late shift on Thursday")
    form.get_by_role("button", name="Ask").click()
    alex.wait_for_url(re.compile(r"\?day=2026-11-26#occ-\d+$"))
    expect(alex.locator(".flashes")).to_contain_text("Asked Sam")
    expect(alex.locator("li.wk-entry", has_text="Laundry")).to_contain_text("asked Sam")
    sam.goto("/home")
    expect(sam.locator("#asked-of-you")).to_contain_text("Laundry")

    # Skip, as a page of its own (what a phone without JavaScript gets): a refusal says
    # why beside the field.
    dishes = alex.locator("li.wk-entry", has_text="Dishes")
    alex.goto(dishes.get_by_role("link", name="Skip").get_attribute("href"))
    expect(alex.locator("h1")).to_have_text("Skip Dishes?")
    check_a11y(alex, "skip page")
    alex.get_by_role("button", name="Skip this one").click()
    expect(alex.locator(".field.has-error")).to_contain_text("Say briefly why")
    check_a11y(alex, "skip page refused")
    shot(alex, "skip-page-refused")
    alex.get_by_label("Why skip it?").fill("Eating at Grandma's")
    alex.get_by_role("button", name="Skip this one").click()
    alex.wait_for_url(re.compile(r"\?day=2026-11-26#occ-\d+$"))
    expect(alex.locator("li.wk-entry", has_text="Dishes")).to_contain_text("Eating at Grandma's")
