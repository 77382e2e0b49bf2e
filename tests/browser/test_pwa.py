"""The installable app in real Chromium at phone size: no installability errors, today
and the week shown offline as last seen (read-only), and a push message shown by the
service worker as a notification."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from tests.browser.conftest import (
    CHROMIUM_ARGS,
    PHONE,
    _debian_chromium,
    _same_host,
    check_a11y,
)
from tests.browser.flows import sign_up, unique_email

pytestmark = pytest.mark.browser

STATIC = Path(__file__).resolve().parents[2] / "planner" / "static"
OFFLINE_TEXT = (
    "You're offline — this is what you last saw. Changes are off until you're back online."
)


def _controlled(page) -> None:
    """Wait until the service worker is active and this page is under its control."""
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("() => !!navigator.serviceWorker.controller"):
        page.reload()
    assert page.evaluate("() => !!navigator.serviceWorker.controller"), "no service worker"


def _signed_up(new_context, **options):
    context = new_context(**options)
    page = context.new_page()
    sign_up(page, unique_email("pwa"))
    _controlled(page)
    return context, page


@pytest.fixture
def profile_context(browser, live, tmp_path):
    """A browser with a profile on disk, as a phone's is: Chrome never offers to install an
    app from a private (incognito) window, which is what every new_context() is."""
    options = {"viewport": PHONE, "base_url": live.url, "args": CHROMIUM_ARGS}
    if executable := _debian_chromium():
        options["executable_path"] = executable
    context = browser.browser_type.launch_persistent_context(str(tmp_path / "profile"), **options)
    context.set_default_timeout(10_000)
    seen: list[str] = []
    context.on("request", lambda request: seen.append(request.url))
    yield context
    context.close()
    foreign = [u for u in seen if not _same_host(u, live.host)]
    assert not foreign, f"requests left the app's host: {foreign}"


def test_the_app_can_be_installed(profile_context, shot):
    context = profile_context
    page = context.pages[0] if context.pages else context.new_page()
    sign_up(page, unique_email("install"))
    _controlled(page)
    page.goto("/home")
    cdp = context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"].endswith("/manifest.webmanifest") and not manifest["errors"]
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == [], errors
    shot(page, "home-installable")


def test_today_and_the_week_open_offline_as_last_seen(new_context, shot):
    context, page = _signed_up(new_context)
    page.goto("/home")
    home = page.locator("main h1").first.inner_text()
    page.goto("/week")
    week = page.locator("main h1").first.inner_text()
    context.set_offline(True)
    try:
        page.reload()
        assert page.locator("body").get_attribute("data-offline-copy"), "not the kept copy"
        assert page.locator("main h1").first.inner_text() == week
        banner = page.locator("#offline-banner")
        assert banner.inner_text() == OFFLINE_TEXT
        controls = page.locator("main button, main input, main select, main textarea")
        assert controls.count() > 0
        assert all(controls.nth(i).is_disabled() for i in range(controls.count()))
        check_a11y(page, "the week, offline")
        shot(page, "week-offline")

        page.goto("/home")
        assert page.locator("main h1").first.inner_text() == home
        assert page.locator("#offline-banner").inner_text() == OFFLINE_TEXT
        shot(page, "home-offline")

        page.goto("/inventory")  # not kept: the offline page, not the browser's error
        assert "You're offline" in page.locator("main h1").inner_text()
        shot(page, "other-page-offline")
    finally:
        context.set_offline(False)
    page.goto("/home")
    assert not page.locator("body").get_attribute("data-offline-copy")
    assert page.locator("#offline-banner").count() == 0


def test_offline_an_older_file_name_gets_the_file_kept_now(new_context):
    """A page kept before a file changed names the file by its older hash: offline, the
    service worker answers with the version it keeps now rather than nothing."""
    context, page = _signed_up(new_context)
    css = page.locator("link[rel=stylesheet]").first.get_attribute("href")
    assert re.fullmatch(r"/static/app\.[0-9a-f]{8}\.css", css)
    older = css.rsplit(".", 2)[0] + ".00000000.css"
    fetch = "async (url) => { const r = await fetch(url); return [r.status, await r.text()]; }"
    context.set_offline(True)
    try:
        status, text = page.evaluate(fetch, older)
    finally:
        context.set_offline(False)
    assert status == 200 and text == (STATIC / "app.css").read_text()


def test_signing_out_forgets_the_kept_pages(new_context):
    context, page = _signed_up(new_context)
    page.goto("/week")
    kept = "() => caches.open('planner-pages').then(c => c.keys()).then(k => k.length)"
    assert page.evaluate(kept) >= 1
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")
    deadline = time.monotonic() + 5
    while page.evaluate(kept) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert page.evaluate(kept) == 0


def test_a_push_message_becomes_a_notification(new_context, live, shot):
    context, page = _signed_up(new_context)
    context.grant_permissions(["notifications"], origin=live.url)
    page.goto("/reminders/preferences")
    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 5
    while not registrations and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    (registration,) = [r for r in registrations if r["scopeURL"] == f"{live.url}/"][:1]
    message = {
        "title": "Sam has got the bins tonight",
        "body": "Nothing to do.",
        "url": "/week",
        "tag": "handover:bins",
    }
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": live.url,
            "registrationId": registration["registrationId"],
            "data": json.dumps(message),
        },
    )
    shown = []
    deadline = time.monotonic() + 5
    while not shown and time.monotonic() < deadline:
        shown = page.evaluate(
            """() => navigator.serviceWorker.ready
                .then(r => r.getNotifications())
                .then(list => list.map(n => ({title: n.title, body: n.body, tag: n.tag, data: n.data})))"""
        )
        if not shown:
            page.wait_for_timeout(50)
    assert shown == [
        {
            "title": message["title"],
            "body": message["body"],
            "tag": message["tag"],
            "data": {"url": "/week"},
        }
    ]
    check_a11y(page, "reminder preferences with notifications")
    shot(page, "preferences")
