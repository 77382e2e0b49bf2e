"""After the session is agreed: the calendar feed, the week page, and the self-care
reminder email with its one-click "I kept it" link."""

from __future__ import annotations

import re

from icalendar import Calendar
from playwright.sync_api import expect

from planner.extensions import db
from tests.browser.conftest import check_a11y, text_of


def after_the_session(pair, live, new_context, shot, kindness: str, together: str) -> None:
    feeds = [feed_on_the_phone(pair.a, shot), feed_on_the_phone(pair.b, None)]
    # Time together is in both calendars (the responsibility and the weekly slot); the
    # kindness choice is in its holder's.
    assert all(any("Weekend time together (together)" in s for s, _ in f) for f in feeds)
    assert all(any(s == f"Time together: {together}" for s, _ in f) for f in feeds)
    chosen = [(s, d) for f in feeds for s, d in f if s.startswith("Cooking dinner")]
    assert chosen and all("simpler standard" in s and kindness in d for s, d in chosen), chosen
    kindness_on_the_week_page(pair, kindness, shot)
    mark_done_on_the_week_page(pair.a, shot)
    kept_from_the_reminder(pair, live, new_context, shot)
    summary = text_of(live.inbox.wait_for(pair.a_email, "is agreed"))
    assert f"this week: {kindness}" in summary and "Together:" in summary


def kindness_on_the_week_page(pair, kindness: str, shot) -> None:
    page = pair.a
    page.get_by_role("link", name="Week", exact=True).click()
    if page.get_by_text("No plan for this week yet").count():  # the session planned next week
        page.get_by_role("link", name="Next week").click()
    dinner = page.locator("li.wk-entry", has_text="Cooking dinner").first
    expect(dinner).to_contain_text(f"this week: {kindness}")
    expect(dinner).to_contain_text("Sam buys bread")
    shot(page, "week-kindness")


def feed_on_the_phone(page, shot) -> list[tuple[str, str]]:
    """The member's own feed, as their phone reads it: (summary, description) per event."""
    page.get_by_role("link", name="More", exact=True).click()
    page.get_by_role("link", name="Calendars Subscribe on your phone").click()
    check_a11y(page, "feeds")
    page.locator("#feed-member").get_by_role("button", name="Make my address").click()
    url = page.locator("#member-https").input_value()
    assert page.locator("#member-webcal").input_value().startswith("webcal://")
    check_a11y(page, "feeds with a new address")
    if shot:
        shot(page, "feed-address")
    response = page.request.get(url)
    assert response.ok and response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.body())
    events = list(calendar.walk("VEVENT"))
    summaries = [str(e["SUMMARY"]) for e in events]
    assert calendar.walk("VTIMEZONE"), (
        "times carry a VTIMEZONE, never floating: "
        f"{response.headers.get('content-encoding')} {summaries} {response.body()[:400]!r}"
    )
    assert not calendar.walk("VTODO")
    assert any("Run" in s or "Swim" in s for s in summaries), summaries  # own self-care
    assert any("duty" in s.lower() for s in summaries), summaries  # the partner's time
    assert all(e.get("UID") and e.get("DTSTAMP") for e in events)
    return [(str(e["SUMMARY"]), str(e.get("DESCRIPTION", ""))) for e in events]


def mark_done_on_the_week_page(page, shot) -> None:
    page.get_by_role("link", name="Week", exact=True).click()
    if page.get_by_text("No plan for this week yet").count():  # the session planned next week
        page.get_by_role("link", name="Next week").click()
    check_a11y(page, "week")
    done = page.get_by_role("button", name="Done", exact=True)
    before = done.count()
    assert before, "Alex has responsibilities to mark done"
    entry = done.first.locator("xpath=ancestor::li[starts-with(@id, 'occ-')]")
    occurrence = entry.get_attribute("id")
    done.first.click()
    expect(page.get_by_role("button", name="Done", exact=True)).to_have_count(before - 1)
    expect(page.locator(f"#{occurrence}")).to_have_class(re.compile(r"\bdone\b"))
    expect(page.locator(f"#{occurrence}")).to_contain_text("done")
    check_a11y(page, "week after marking done")
    shot(page, "week-done")


def kept_from_the_reminder(pair, live, new_context, shot) -> None:
    """The outbox was written as the slot was saved; the sender, in process, sends what is
    due; the email arrives at the loopback SMTP server; its link works without signing in."""
    from planner.reminders import sender

    with live.app.app_context():
        sent = sender.send_due()
        db.session.remove()
    assert sent.sent >= 1, sent
    email = live.inbox.wait_for(pair.b_email, "your time for Swim")
    assert any(p.get_filename() == "self-care.ics" for p in email.iter_attachments())
    kept = re.search(r"I kept it: (\S+)", text_of(email)).group(1)
    assert kept.startswith(live.url)

    page = new_context().new_page()  # a phone's mail app: not signed in
    page.goto(kept)
    check_a11y(page, "I kept it: confirm")
    shot(page, "reminder-kept-confirm")
    page.get_by_role("button", name="Yes, I kept it").click()
    check_a11y(page, "I kept it: done")
    shot(page, "reminder-kept-done")
    page.goto(kept)  # the link works once
    assert "already been used" in page.locator("main").inner_text()

    pair.b.goto("/selfcare")
    if "Swim" not in pair.b.locator("#week").inner_text():  # late on the week's last day
        pair.b.get_by_role("link", name="Later week").click()
    swim = pair.b.locator("#week li", has_text="Swim")
    expect(swim).to_contain_text("kept")
    # Marked before it starts: the outcome stands, with an undo instead of skip or move.
    expect(swim.get_by_role("button", name="Skip this week")).to_have_count(0)
    expect(swim.get_by_role("link", name="Move")).to_have_count(0)
    expect(swim.get_by_role("button", name="Undo: Swim kept")).to_be_visible()
    shot(pair.b, "selfcare-kept")
