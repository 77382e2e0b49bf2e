"""Steps a couple takes in the browser, shared by the browser tests."""

from __future__ import annotations

import itertools
import re
import secrets
from dataclasses import dataclass

from tests.browser.conftest import check_a11y, text_of

PASSWORD = "a long kind password"
_numbers = itertools.count(1)


@dataclass
class Couple:
    a_email: str
    b_email: str
    a: object  # Page of the first member
    b: object  # Page of the partner


def unique_email(name: str) -> str:
    return f"{name.lower()}{next(_numbers)}.{secrets.token_hex(2)}@example.com"


def sign_up(page, email: str, name: str = "Alex", household: str = "The Parkers", shot=None):
    page.goto("/")
    if shot:
        check_a11y(page, "welcome")
        shot(page, "welcome")
    page.get_by_role("link", name="Start your household").click()
    page.get_by_label("Household name").fill(household)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Time zone").fill("Europe/London")
    if shot:
        check_a11y(page, "sign up")
        shot(page, "signup-filled")
    page.get_by_role("button", name="Create household").click()
    page.wait_for_url("**/home")


def invite_partner(page, live, partner_email: str, shot=None) -> str:
    """Send the invite from the settings page; return the link (checked against the email)."""
    page.goto("/household")
    page.get_by_label("Partner's email").fill(partner_email)
    page.get_by_role("button", name="Send invite").click()
    link = page.locator("#invite-link").input_value()
    if shot:
        check_a11y(page, "household settings with invite")
        shot(page, "invite-sent")
    email = live.inbox.wait_for(partner_email, "invited you")
    assert link in text_of(email), "the settings page and the email carry the same link"
    return link


def join(page, link: str, name: str = "Sam", shot=None) -> None:
    page.goto(link)
    if shot:
        check_a11y(page, "join")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    if shot:
        shot(page, "join-filled")
    page.get_by_role("button", name="Join").click()
    page.wait_for_url("**/home")


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
    page.wait_for_url(re.compile(r"/home$"))


def couple(new_context, live, shot=None) -> Couple:
    """Two members of a fresh household, each signed in in their own browser context."""
    a_email, b_email = unique_email("alex"), unique_email("sam")
    a = new_context().new_page()
    sign_up(a, a_email, shot=shot)
    if shot:
        check_a11y(a, "home")
        shot(a, "home-alone")
    link = invite_partner(a, live, b_email, shot=shot)
    b = new_context().new_page()
    join(b, link, shot=shot)
    return Couple(a_email, b_email, a, b)


def pick_starter(page, owners: dict[str, str], shot=None, area_key: str = "home") -> None:
    """Tick starter-deck items of one area (home unless named), each with the named owner."""
    page.goto("/inventory/starter")
    if shot:
        check_a11y(page, "starter deck")
        shot(page, "starter-deck")
    area = page.locator(f"#deck-{area_key}")
    for key, owner in owners.items():
        area.locator(f"#pick-{key}").check()
        area.locator(f"#owner-{key}").select_option(label=owner)
    area.get_by_role("button", name=re.compile("Add ticked")).click()
    page.wait_for_load_state()
    assert f"Added {len(owners)} responsibilit" in page.locator(".flashes").inner_text()


def add_selfcare(page, title: str, weekday: int, start: str, minutes: int = 60) -> None:
    page.goto("/selfcare")
    form = page.locator("#mine form")
    form.get_by_label("What is it?").fill(title)
    form.get_by_label("Day").select_option(value=str(weekday))
    form.get_by_label("Starts at").fill(start)
    form.get_by_label("Length (minutes)").fill(str(minutes))
    form.get_by_role("button", name="Protect this time").click()
    page.wait_for_load_state()
    assert "is now protected time" in page.locator(".flashes").inner_text()
