"""A whole weekly session on two phones, in real Chromium, from sign-up to the calendar
feed, the week page and the "I kept it" link in a reminder email."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_a11y
from tests.browser.flows import add_selfcare, couple, pick_starter, sign_in
from tests.browser.session_checks import after_the_session

pytestmark = pytest.mark.browser

# The promise: the partner's open page shows a change within 2 s of the save. Pages poll
# every second, so the poll and the one region refresh it triggers have a second between
# them; the test holds the page to the promise itself, not to the interval plus slack.
LIVE_SECONDS = 2.0
POLL_SECONDS = 1.0
HOME = {
    "dinner": "Sam",
    "meal_plan": "Sam",
    "laundry_wash": "Sam",
    "floors": "Sam",
    "dishes": "Alex",
    "bathroom": "Alex",
}
MAGIC = {"weekend_together": "Alex"}  # time together: in both calendars whoever holds it
DINNER_SIMPLER = "sandwiches, leftovers or a ready meal instead of cooking"
WALK = "Sunday walk"


def test_whole_session_on_two_phones(new_context, live, shot):
    pair = couple(new_context, live)
    a, b = pair.a, pair.b
    pick_starter(a, HOME, shot=shot)
    pick_starter(a, MAGIC, area_key="magic")
    # Sam's self-care starts in 20 minutes, so its reminder is due now (30 min lead).
    soon = datetime.now(ZoneInfo("Europe/London")) + timedelta(minutes=20)
    add_selfcare(b, "Swim", soon.weekday(), soon.strftime("%H:%M"))
    add_selfcare(a, "Run", 2, "07:00")
    check_a11y(a, "self-care")
    shot(a, "selfcare")

    a.goto("/session")
    step(a, shot, "session-start")
    a.get_by_role("button", name="Start the session").click()
    expect(a.locator("h1")).to_contain_text("Your weekly session")
    plan_url = a.url
    step(a, shot, "overview")

    b.goto(plan_url + "/appreciate")
    b.locator("#appreciation").fill("You cooked every night I worked late.")
    b.get_by_role("button", name="Save", exact=True).click()
    expect(b.locator(".flashes")).to_contain_text("Saved.")
    step(b, shot, "appreciate")

    latencies = check_ins(a, b, plan_url, new_context, pair.b_email, shot)

    for key in ("look-back", "look-ahead"):
        a.goto(f"{plan_url}/{key}")
        step(a, shot, key)

    latencies.append(rebalance_with_veto(a, b, plan_url, shot))
    kindness(a, b, plan_url, shot)

    a.goto(plan_url + "/selfcare")
    expect(a.locator("#live-selfcare")).to_contain_text("Swim")
    step(a, shot, "selfcare-step")
    time_together(b, plan_url, shot)

    latencies.append(both_agree(a, b, plan_url, shot))
    print(f"live update latencies (s): {[round(x, 2) for x in latencies]}")

    after_the_session(pair, live, new_context, shot, kindness=DINNER_SIMPLER, together=WALK)


def step(page, shot, name: str) -> None:
    check_a11y(page, name)
    shot(page, name)


def seen_within(page, selector: str, text: str, since: float) -> float:
    """How long after `since` the partner's open page showed `text`, without a reload
    (checked every 20 ms, so the figure is the page's latency, not the test's)."""
    interval = poll_interval(page)
    assert interval <= POLL_SECONDS, f"the page polls every {interval} s"
    remaining = max(0.05, LIVE_SECONDS - (time.monotonic() - since))
    page.wait_for_function(
        "([sel, text]) => (document.querySelector(sel)?.textContent || '').includes(text)",
        arg=[selector, text],
        polling=20,
        timeout=remaining * 1000,
    )
    return time.monotonic() - since


def poll_interval(page) -> float:
    trigger = page.locator("#live-poll").get_attribute("hx-trigger") or ""
    found = re.search(r"every\s+(\d+(?:\.\d+)?)(ms|s)", trigger)
    assert found, f"no polling on {page.url}: {trigger!r}"
    return float(found.group(1)) / (1000 if found.group(2) == "ms" else 1)


def check_ins(a, b, plan_url, new_context, b_email, shot) -> list[float]:
    """Alex checks in with the keyboard alone while Sam types on their own phone; Sam's
    page follows without a reload and keeps the text. Then Sam, blown, checks in from a
    browser without JavaScript, and Alex's page follows."""
    b.goto(plan_url + "/checkin")
    b.evaluate("() => { window.__sameDocument = true; }")
    typing = "An early night on Wednesday"
    b.locator("#what_would_help").fill(typing)

    a.goto(plan_url + "/checkin")
    check_a11y(a, "check-in")
    before = len(b.context.requests)
    saved = keyboard_check_in(a, capacity="70", help_text="A quiet Sunday morning")
    first = seen_within(b, "#live-checkins", "okay", saved)
    b.wait_for_timeout(2 * POLL_SECONDS * 1000)  # room for a second refresh, if any
    refreshes = [u for u in b.context.requests[before:] if u.endswith(plan_url + "/checkin")]
    assert len(refreshes) == 1, f"one change, {len(refreshes)} region refreshes: {refreshes}"
    assert b.evaluate("() => window.__sameDocument === true"), "the page was not reloaded"
    assert b.locator("#what_would_help").input_value() == typing
    expect(b.locator("#live-checkins")).to_contain_text("capacity 70")
    shot(b, "partner-sees-checkin-while-typing")

    nojs = new_context(java_script_enabled=False).new_page()
    sign_in(nojs, b_email)
    nojs.goto(plan_url + "/checkin")
    mine = own_checkin_form(nojs)
    mine.get_by_role("radio", name=re.compile("Blown")).check()
    mine.get_by_label("What would help?").fill(typing)
    mine.get_by_role("button", name="Save my check-in").click()
    saved = time.monotonic()
    expect(nojs.locator(".flashes")).to_contain_text("Saved.")
    expect(nojs.locator("#live-checkins")).to_contain_text("blown")
    second = seen_within(a, "#live-checkins", "blown", saved)
    step(a, shot, "both-checked-in")
    return [first, second]


def own_checkin_form(page):
    return page.locator(
        "form.checkin-form", has=page.get_by_role("button", name="Save my check-in")
    )


def keyboard_check_in(page, capacity: str, help_text: str) -> float:
    """Okay, a capacity, what would help: Tab, Space, arrows, Enter."""
    tab_to(page, "input[name='state'][value='okay']")
    page.keyboard.press("Space")
    assert page.locator("input[name='state'][value='okay']").is_checked()
    page.keyboard.press("ArrowDown")  # arrows move between the choices …
    page.keyboard.press("ArrowUp")  # … and back to okay
    assert page.locator("input[name='state'][value='okay']").is_checked()
    tab_to(page, "input[name='capacity']")
    page.keyboard.type(capacity)
    tab_to(page, "textarea[name='what_would_help']")
    page.keyboard.type(help_text)
    # A first session has no last week: there is no fairness question to answer.
    assert page.locator("input[name='fairness']").count() == 0
    tab_to(page, "form.checkin-form button[type='submit']")
    saved = time.monotonic()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".flashes")).to_contain_text("Saved.")
    return saved


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` (the first one) has focus."""
    target = page.locator(selector).first
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} never got the keyboard focus")


def rebalance_with_veto(a, b, plan_url, shot) -> float:
    b.goto(plan_url + "/rebalance")
    a.goto(plan_url + "/rebalance")
    step(a, shot, "rebalance-proposal")
    vetoes = a.get_by_role("button", name=re.compile("^Veto: keep"))
    assert vetoes.count() >= 2, "Sam is blown: more than one move toward Alex is proposed"
    title, keeper = re.fullmatch(r"Veto: keep (.+) with (\w+)", vetoes.first.inner_text()).groups()
    taker = "Alex" if keeper == "Sam" else "Sam"
    vetoes.first.click()
    saved = time.monotonic()
    expect(a.locator(".flashes")).to_contain_text("Vetoed")
    latency = seen_within(b, "#live-proposal", f"{title} stays away from {taker}", saved)
    step(a, shot, "rebalance-after-veto")
    a.get_by_role("button", name="Accept these moves").click()
    expect(a.locator(".flashes")).to_contain_text("Moves applied")
    return latency


def kindness(a, b, plan_url, shot) -> None:
    """Sam is blown: a few safe suggestions come first, and the choice is saved."""
    a.goto(plan_url + "/kindness")
    expect(a.locator("#live-kindness-summary")).to_contain_text("Be kind to yourselves")
    expect(a.locator("#live-kindness-summary")).to_contain_text("room for about")
    step(a, shot, "kindness-suggested")
    first = a.locator("form ul.kindness").first.locator(":scope > li")
    assert 1 <= first.count() <= 3, "a few good options first, not a wall"
    assert "Weekend time together" not in a.locator("form ul.kindness").first.inner_text()
    dinner = a.locator("fieldset", has_text="Cooking dinner")
    dinner.get_by_role("radio", name=re.compile("^Sandwiches")).check()
    dinner.get_by_role("textbox").fill("Sam buys bread")
    a.get_by_role("button", name="Save the kindness plan").click()
    expect(a.locator(".flashes")).to_contain_text("Kindness plan saved")
    summary = a.locator("#live-kindness-summary")
    expect(summary).to_contain_text(f"Cooking dinner — this week: {DINNER_SIMPLER}")
    step(a, shot, "kindness-chosen")


def time_together(b, plan_url, shot) -> None:
    """Sam sets a weekly walk together in the session's step: it is both of theirs."""
    b.goto(plan_url + "/selfcare")
    form = b.locator("#together form")
    form.get_by_label("What is it?").fill(WALK)
    form.get_by_label("Day").select_option(value="6")
    form.get_by_label("Starts at").fill("10:00")
    form.get_by_label("Length (minutes)").fill("60")
    form.get_by_role("button", name="Protect time together").click()
    expect(b.locator(".flashes")).to_contain_text("time together for both of you")
    expect(b.locator("#together")).to_contain_text(f"{WALK} Sunday 10:00")
    expect(b.locator("#live-selfcare li.together")).to_contain_text("Together")
    step(b, shot, "selfcare-step-together")


def both_agree(a, b, plan_url, shot) -> float:
    b.goto(plan_url + "/agree")
    a.goto(plan_url + "/agree")
    step(a, shot, "agree")
    a.get_by_role("button", name="I agree to this week").click()
    saved = time.monotonic()
    latency = seen_within(b, "#live-agreement", "Alex: agreed", saved)
    b.get_by_role("button", name="I agree to this week").click()
    expect(b.locator(".flashes")).to_contain_text("Agreed by everyone")
    next_steps = b.locator(".next-steps")
    for name in ("See the week", "Put it on your phone", "Self-care"):
        expect(next_steps.get_by_role("link", name=name)).to_be_visible()
    step(b, shot, "agreed")
    a.goto(plan_url)
    expect(a.locator("#live-overview")).to_contain_text("Have a kind week")
    step(a, shot, "overview-agreed")
    return latency
