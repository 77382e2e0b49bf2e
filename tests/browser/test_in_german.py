"""A whole weekly session in German on two phones at 390 px, in real Chromium: every step,
then every page a member reaches. On each: the page says it is German, nothing is wider than
the screen, and no English sentence, label or button of the app is left."""

from __future__ import annotations

import re
from functools import cache

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import expect

from tests.browser.conftest import check_a11y
from tests.browser.flows import couple
from tests.browser.test_every_page import MORE_PAGES
from tests.test_language_choice import said_in
from tests.test_translations import CATALOGUES

pytestmark = pytest.mark.browser

HOME = {"dinner": "Sam", "dishes": "Alex", "laundry_wash": "Sam", "bathroom": "Alex"}
# Session steps in their order, as their addresses spell them.
STEPS = ("appreciate", "checkin", "look-ahead", "rebalance", "owners", "kindness", "selfcare")


@cache
def english_left() -> tuple[re.Pattern, set[str]]:
    """What would give away an untranslated string: the English of every msgid that German
    says differently, as whole phrases (two words or more) and as single-word labels."""
    with (CATALOGUES / "de" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale="de")
    phrases, words = [], set()
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            # The English around the placeholders, each piece on its own.
            for piece in re.split(r"%\(\w+\)[sd]|%[sd]|<[^>]+>", english):
                piece = piece.strip(" .,:;!?()—–-…\"'")
                if not piece or any(piece in s for s in strings):
                    continue  # German keeps it (a name, "okay", "Planner")
                if " " in piece and len(piece) >= 12:
                    phrases.append(re.escape(piece))
                elif " " not in piece and len(piece) >= 4:
                    words.add(piece)
    phrases.sort(key=len, reverse=True)
    return re.compile("|".join(phrases)), words


def still_english(page) -> list[str]:
    text = page.locator("body").inner_text()
    phrases, words = english_left()
    found = sorted({m.group(0) for m in phrases.finditer(text)})
    labels = page.locator("button, a, label, th, h1, h2, h3, legend, option").all_inner_texts()
    found += sorted({t.strip() for t in labels if t.strip() in words})
    return found


def german(page, shot, name: str) -> None:
    """The page is German, fits the phone and keeps no English; then its screenshot."""
    assert page.locator("html").get_attribute("lang") == "de", page.url
    too_wide = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
    assert too_wide <= 0, f"{page.url} is {too_wide}px wider than a 390px phone"
    left = still_english(page)
    assert not left, f"English left on {page.url}: {left}"
    check_a11y(page, name)
    if shot:
        shot(page, name)


def choose_german(page) -> None:
    page.goto("/profile")
    page.locator("#language").select_option("de")
    page.locator("form[action$='/profile'] button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")


def pick_starter_in_german(page, owners: dict[str, str]) -> None:
    """Starter cards added by a German-speaking member become German responsibilities."""
    page.goto("/inventory/starter")
    german(page, None, "starter")
    area = page.locator("#deck-home")
    for key, owner in owners.items():
        area.locator(f"#pick-{key}").check()
        area.locator(f"#owner-{key}").select_option(label=owner)
    area.get_by_role("button", name=de("Add ticked items")).click()
    expect(page.locator(".flashes")).to_be_visible()


def add_selfcare_in_german(page, title: str, weekday: int, start: str) -> None:
    page.goto("/selfcare")
    form = page.locator("#mine form")
    form.get_by_label(de("What is it?")).fill(title)
    form.get_by_label(de("Day"), exact=True).select_option(value=str(weekday))
    form.get_by_label(de("Starts at")).fill(start)
    form.get_by_label(de("Length (minutes)")).fill("60")
    form.get_by_role("button", name=de("Protect this time")).click()
    expect(page.locator(".flashes")).to_be_visible()


def de(text: str) -> str:
    return said_in("de")(text)


def test_a_whole_session_in_german_at_phone_size(new_context, live, shot):
    pair = couple(new_context, live)
    a, b = pair.a, pair.b
    choose_german(a)
    choose_german(b)
    german(a, shot, "profile")
    pick_starter_in_german(a, HOME)
    add_selfcare_in_german(b, "Schwimmen", 2, "07:00")
    german(b, shot, "selfcare")

    a.goto("/session")
    german(a, shot, "session-start")
    a.locator("main form button[type=submit]").first.click()
    a.wait_for_url(re.compile(r"/session/\d+$"))
    plan_url = a.url
    german(a, shot, "overview")

    for page in (a, b):  # both check in: Alex okay, Sam in the reeds
        page.goto(plan_url + "/checkin")
        form = page.locator("form.own-checkin, form").filter(has=page.locator("#capacity"))
        state = "okay" if page is a else "in_the_reeds"
        form.locator(f"input[name=state][value={state}]").check()
        form.locator("#capacity").fill("60" if page is a else "25")
        form.locator("button[type=submit]").click()
        expect(page.locator(".flashes")).to_be_visible()
        german(page, shot, f"checkin-{'a' if page is a else 'b'}")

    for key in STEPS:
        a.goto(f"{plan_url}/{key}")
        german(a, shot, key)

    for page in (a, b):
        page.goto(plan_url + "/agree")
        page.locator("form[action$='/agree'] button[type=submit]").first.click()
        german(page, shot, f"agree-{'a' if page is a else 'b'}")

    a.goto("/home")
    nav = a.get_by_role("navigation", name=re.compile(".")).first.get_by_role("link")
    paths = [nav.nth(i).get_attribute("href") for i in range(nav.count())]
    a.goto("/more")
    more = a.locator(".more-list a")
    paths += [more.nth(i).get_attribute("href") for i in range(more.count())]
    assert len(paths) >= 12, paths
    for path in dict.fromkeys((*paths, *MORE_PAGES)):
        response = a.goto(path)
        assert response.status == 200, f"{path}: HTTP {response.status}"
        german(a, shot, path.strip("/").replace("/", "-").replace("?", "-") or "root")
