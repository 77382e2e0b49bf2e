"""What "live together" costs: `.venv/bin/python bench/live.py`.

1. Requests per minute per open session page: from the polling interval in the page,
   and counted from what a real open page in Chromium asks for during 30 quiet seconds;
   then what each change costs that page, and how long it takes to show (no reload).
2. Requests/s one gunicorn sync worker sustains on the version endpoint, as a ratio to a
   hello-world route measured in the same run on the same server (PLANNER_BENCH=1 routes).
3. Deterministic figures: SQL queries and bytes per poll.

Absolute numbers from a shared machine are noise; the ratio and the counts are not.
"""

from __future__ import annotations

import os
import random
import re
import secrets
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.live_http import (  # noqa: E402
    HELLO_PATH,
    THREADS,
    free_port,
    load,
    request,
    sign_in,
    start_gunicorn,
)

QUIET_SECONDS = 30
CHANGES = ("blown", "okay", "in_the_reeds", "blown", "okay", "in_the_reeds", "blown", "okay")
STATE_LABELS = {"okay": "okay", "in_the_reeds": "in the reeds", "blown": "blown"}
ROUND_SECONDS = 3.0
ROUNDS = 3
CHROMIUM = "/usr/bin/chromium"


def prepare_database(env: dict):
    """create_all + the demo household + this week's session plan; returns the app (for the
    in-process change) and what the bench needs."""
    os.environ.update(env)
    from flask import url_for

    from planner import create_app
    from planner.demo import DEMO_MEMBERS, DEMO_PASSWORD, load_demo
    from planner.extensions import db
    from planner.session import services as session_services

    app = create_app({"PLANNER_SCHEDULER": "off"})
    with app.app_context():
        db.create_all()  # a throwaway bench database, like the tests
        household = load_demo()
        plan = session_services.start_session(household)
        db.session.commit()
        member = household.members[0]
        with app.test_request_context():
            info = {
                "email": DEMO_MEMBERS[0][1],
                "password": DEMO_PASSWORD,
                "member_id": member.id,
                "plan_id": plan.id,
                "version": plan.version,
                "page_path": url_for(PAGE_ENDPOINT, **page_args(plan)),
                "version_path": url_for(VERSION_ENDPOINT, **version_args(plan)),
            }
        info["queries"], info["poll_bytes"], info["poll_status"] = queries_per_poll(app, info)
    return app, info


def partner_checks_in(app, info: dict, state: str) -> None:
    """Sam checks in while Alex's page is open: a change every open page must follow."""
    from planner.extensions import db
    from planner.models import Member, WeekPlan
    from planner.session import services as session_services

    with app.app_context():
        plan = db.session.get(WeekPlan, info["plan_id"])
        sam = next(
            m
            for m in db.session.get(Member, info["member_id"]).household.members
            if m.id != info["member_id"]
        )
        session_services.save_checkin(
            plan, sam, state=state, capacity=None, what_would_help="", fairness=None
        )
        db.session.commit()  # services only flush; this script is the boundary
        db.session.remove()


# The session's page and its version endpoint (planner/session/routes.py).
PAGE_ENDPOINT = "session.checkin"
VERSION_ENDPOINT = "session.version"


def page_args(plan) -> dict:
    return {"plan_id": plan.id}


def version_args(plan) -> dict:
    return {"plan_id": plan.id, "v": plan.version}


def queries_per_poll(app, info: dict) -> tuple[int, int, int]:
    """SQL statements and response bytes for one unchanged poll, counted in-process."""
    from sqlalchemy import event

    from planner.auth.services import session_id
    from planner.extensions import db
    from planner.models import Member

    client = app.test_client()
    with app.app_context():
        remembered = session_id(db.session.get(Member, info["member_id"]))
    with client.session_transaction() as sess:
        sess["_user_id"] = remembered
        sess["_fresh"] = True
    client.get(info["version_path"])  # warm caches
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(info["version_path"])
    finally:
        event.remove(engine, "before_cursor_execute", count)
    statements = [s for s in statements if not s.lstrip().upper().startswith("PRAGMA")]
    return len(statements), len(response.get_data()), response.status_code


def open_page(port: int, info: dict, change) -> dict:
    """One open session page in Chromium: count its requests while nothing changes, then
    let the partner change their check-in a few times, at random moments of the polling
    cycle, and time how long each change takes to show on the page (no reload)."""
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{port}"
    with sync_playwright() as p:
        kwargs = {"executable_path": CHROMIUM} if Path(CHROMIUM).exists() else {}
        browser = p.chromium.launch(
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"], **kwargs
        )
        context = browser.new_context(base_url=base, viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("Email").fill(info["email"])
        page.get_by_label("Password").fill(info["password"])
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        page.goto(info["page_path"])
        page.wait_for_load_state("networkidle")
        html = page.content()
        log: list[tuple[float, str]] = []
        page.on("request", lambda r: log.append((time.monotonic(), urlsplit(r.url).path)))
        page.wait_for_timeout(QUIET_SECONDS * 1000)
        changes_from = time.monotonic()
        rng = random.Random(2026)
        latencies = []
        for state in CHANGES:
            page.wait_for_timeout(rng.uniform(0.2, 2.2) * 1000)
            started = time.monotonic()
            change(state)
            page.wait_for_function(
                "([sel, text]) => (document.querySelector(sel)?.textContent || '').includes(text)",
                arg=["#live-checkins li:nth-child(2) .badge", STATE_LABELS[state]],
                polling=20,
                timeout=10_000,
            )
            latencies.append(time.monotonic() - started)
        page.wait_for_timeout(500)
        browser.close()
    return {
        "html": html,
        "quiet": Counter(path for at, path in log if at < changes_from),
        "changing": Counter(path for at, path in log if at >= changes_from),
        "changing_seconds": log[-1][0] - changes_from if log else 0,
        "latencies": latencies,
    }


def polling_interval(html: str) -> float | None:
    """The interval the page asks htmx for, e.g. hx-trigger="every 1s"."""
    found = re.search(r"every\s+(\d+(?:\.\d+)?)(ms|s)", html)
    if not found:
        return None
    value = float(found.group(1))
    return value / 1000 if found.group(2) == "ms" else value


def main() -> None:
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="planner-bench-live-"))
    env = {
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "PLANNER_BENCH": "1",
        "PLANNER_SCHEDULER": "off",
        "MAIL_BACKEND": "file",
        "MAIL_FILE_DIR": str(tmp / "mail"),
    }
    app, info = prepare_database(env)
    port = free_port()
    env["PLANNER_BASE_URL"] = f"http://127.0.0.1:{port}"
    server = start_gunicorn(env, port)
    try:
        opened = open_page(port, info, lambda state: partner_checks_in(app, info, state))
        cookie = sign_in(port, info["email"], info["password"])
        version_path = current_version_path(port, info, cookie)
        hello, version, statuses = [], [], Counter()
        for _ in range(ROUNDS):
            rate, _ = load(port, HELLO_PATH, cookie, ROUND_SECONDS)
            hello.append(rate)
            rate, seen = load(port, version_path, cookie, ROUND_SECONDS)
            version.append(rate)
            statuses.update(seen)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)
    figures = {**opened, "statuses": statuses, "hello": hello}
    report(info, figures, version, time.monotonic() - started)


def current_version_path(port: int, info: dict, cookie: str) -> str:
    """The poll URL as an up-to-date page sends it (after the partner's change)."""
    path = info["version_path"]
    for _ in range(5):
        status, _, body = request(port, "GET", path, headers={"Cookie": cookie})
        if status == 204:
            return path
        found = re.search(rb'hx-get="([^"]+)"', body)
        path = found.group(1).decode().replace("&amp;", "&") if found else path
    raise SystemExit(f"the version endpoint never answered 204 (last: HTTP {status})")


def report(info, figures, version, elapsed) -> None:
    route = urlsplit(info["version_path"]).path
    quiet, changing = figures["quiet"], figures["changing"]
    interval = polling_interval(figures["html"])
    n = len(CHANGES)
    refreshes = sum(changing.values()) - changing[route]
    lat = sorted(figures["latencies"])
    print("Live together: what one open session page costs")
    print(f"  version endpoint      GET {route}?v=N -> 204 No Content while unchanged")
    if interval:
        print(
            f"  polling interval      {interval:g} s in the page -> {60 / interval:.0f} requests/min/page"
        )
    print(
        f"  counted in Chromium   {quiet[route]} polls in {QUIET_SECONDS} s of a quiet page -> "
        f"{quiet[route] * 60 / QUIET_SECONDS:.0f} requests/min/page; nothing else: "
        f"{sum(quiet.values()) == quiet[route]}"
    )
    print(
        f"  per change            {refreshes / n:.1f} region refreshes (GETs of the page) "
        f"on each open page; {n} changes -> {dict(changing)}"
    )
    print(
        f"  change -> visible     median {statistics.median(lat):.2f} s, max {lat[-1]:.2f} s "
        f"over {n} changes at random moments (promise: 2 s)"
    )
    print(
        f"  per unchanged poll    {info['queries']} SQL query, {info['poll_bytes']} body bytes "
        f"(HTTP {info['poll_status']})"
    )
    h, v = statistics.median(figures["hello"]), statistics.median(version)
    print(
        f"One gunicorn sync worker (-w 1), {THREADS} client threads, {ROUNDS} x {ROUND_SECONDS:g} s"
    )
    print(f"  hello-world route     {h:7.0f} requests/s (median)")
    print(
        f"  version endpoint      {v:7.0f} requests/s (median; statuses {dict(figures['statuses'])})"
    )
    print(f"  ratio version/hello   {v / h:.2f}")
    if interval:
        print(
            f"  => one worker follows about {v * interval:.0f} quiet open pages polling every {interval:g} s"
        )
    print(f"(bench took {elapsed:.0f} s)")


if __name__ == "__main__":
    main()
