"""Real-Chromium fixtures: a live server with real CSRF, a loopback SMTP server,
phone-sized browser contexts that log every request, axe-core and screenshots."""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from planner import create_app
from planner.extensions import db
from tests.conftest import TEST_SECRET, free_port

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENS = ROOT / "test-artifacts" / "screens"
DEBIAN_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
# axe is served from the app's own origin by a route, so the page's CSP still applies.
AXE_PATH = "/__browser-tests__/axe.min.js"


@dataclass
class Inbox:
    """What the loopback SMTP server received."""

    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if address.lower() in str(m["To"]).lower()]

    def wait_for(self, address: str, subject_part: str = "", timeout: float = 10) -> EmailMessage:
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [m for m in self.to(address) if subject_part.lower() in m["Subject"].lower()]
            if found:
                return found[-1]
            time.sleep(0.05)
        raise AssertionError(f"no email to {address} with {subject_part!r} in the subject")


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part else ""


@dataclass
class LiveServer:
    url: str
    app: object
    inbox: Inbox

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc


@pytest.fixture(scope="session")
def smtp_inbox():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            msg = message_from_bytes(
                envelope.original_content or envelope.content, policy=policy.default
            )
            with inbox.lock:
                inbox.messages.append(msg)
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    inbox.port = port
    yield inbox
    controller.stop()


@pytest.fixture(scope="session")
def live(tmp_path_factory, smtp_inbox) -> LiveServer:
    """The real app on a free loopback port, on its own fresh SQLite file, CSRF on."""
    folder = tmp_path_factory.mktemp("live")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": TEST_SECRET,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'live.sqlite3'}",
            "WTF_CSRF_ENABLED": True,
            "MAIL_BACKEND": "smtp",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": smtp_inbox.port,
            "SMTP_STARTTLS": False,
            "SMTP_USERNAME": "",
            "PLANNER_SCHEDULER": "off",
            "PLANNER_VAPID_PRIVATE_KEY_FILE": str(folder / "vapid_private.pem"),
        }
    )
    with app.app_context():
        db.create_all()  # tests only
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["PLANNER_BASE_URL"] = url
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(url, app, smtp_inbox)
    server.shutdown()
    thread.join(5)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass  # one line per request drowns the failures


def _cannot_run(reason: str) -> NoReturn:
    """Skip on a developer's machine without a browser; in CI the browser tests must run."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"Browser tests must run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def _debian_chromium() -> str | None:
    found = shutil.which("chromium")
    return found or (DEBIAN_CHROMIUM if Path(DEBIAN_CHROMIUM).exists() else None)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        _cannot_run("Playwright for Python is not installed")
    with sync_playwright() as p:
        try:
            if executable := _debian_chromium():
                chromium = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            else:
                chromium = p.chromium.launch(args=CHROMIUM_ARGS)
        except Error as exc:
            _cannot_run(
                f"Chromium could not start (Debian's chromium or Playwright's build): {exc}"
            )
        yield chromium
        chromium.close()


class Screens:
    """Numbered full-page screenshots in test-artifacts/screens/<test>/."""

    def __init__(self, test_name: str):
        self.folder = SCREENS / re.sub(r"[^\w.-]+", "_", test_name)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.count = 0

    def __call__(self, page, step: str) -> Path:
        self.count += 1
        slug = re.sub(r"[^\w-]+", "-", step)
        path = self.folder / f"{self.count:02d}-{slug}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def shot(request) -> Screens:
    return Screens(request.node.name)


@pytest.fixture
def new_context(browser, live):
    """Open phone-sized contexts; after the test, assert no request left the app's host
    and no Content-Security-Policy violation happened."""
    contexts = []

    def open_context(**options):
        options.setdefault("viewport", PHONE)
        options.setdefault("base_url", live.url)
        context = browser.new_context(**options)
        context.requests = []
        context.csp_errors = []
        context.on("request", lambda req: context.requests.append(req.url))
        context.on("page", lambda page: _watch_console(page, context))
        context.route(f"{live.url}{AXE_PATH}", _serve_axe)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield open_context
    foreign, csp = [], []
    for context in contexts:
        foreign += [u for u in context.requests if not _same_host(u, live.host)]
        csp += context.csp_errors
        context.close()
    assert not foreign, f"requests left the app's host: {foreign}"
    assert not csp, f"Content-Security-Policy violations: {csp}"


def _same_host(url: str, host: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.netloc == host


def _watch_console(page, context) -> None:
    def on_console(message):
        if "Content Security Policy" in message.text:
            context.csp_errors.append(f"{page.url}: {message.text}")

    page.on("console", on_console)


def _serve_axe(route) -> None:
    route.fulfill(status=200, content_type="application/javascript", body=AXE_JS.read_text("utf-8"))


def check_a11y(page, label: str = "") -> None:
    """axe-core on the current page: no serious or critical violation."""
    if not AXE_JS.exists():
        pytest.fail("node_modules/axe-core is missing: run `npm install` (scripts/setup.sh does)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_PATH)
    violations = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => ({target: n.target, summary: n.failureSummary})),
            }));
        }"""
    )
    bad = [v for v in violations if v["impact"] in ("serious", "critical")]
    if bad:
        print(json.dumps(bad, indent=2))
    where = label or page.url
    assert not bad, f"axe found serious/critical problems on {where}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in bad
    )
