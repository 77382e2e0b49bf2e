"""Calendars brought in, probed from outside: the address guard (percent-encoded hosts,
redirects, DNS rebinding, user names in links), one deadline per fetch, runaway repeat
rules read by the calendar job under a budget and a deadline, the calendar job apart from
reminders, the charset of a subscribed calendar, and empty RRULE lines.

Every server is a real http.server on 127.0.0.1. Where a test needs a host name that
resolves to a public address (the guard lets nothing else through), the `network` fixture
answers for that one name and carries connections to that public address to a loopback
server instead: nothing ever leaves the machine.
"""

from __future__ import annotations

import contextlib
import io
import ipaddress
import socket
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest
import time_machine
from apscheduler.events import EVENT_JOB_EXECUTED
from sqlalchemy import select

from planner import create_app
from planner.domain.busy import CalendarImportError, parse_busy_times
from planner.domain.vocabulary import ReminderKind, ReminderState
from planner.extensions import db
from planner.imports import job
from planner.models import BusyBlock, CalendarImport, Household, Member, Reminder, SelfCareSlot
from tests.conftest import app_settings
from tests.helpers import body, committing, login

NOW = datetime(2026, 3, 16, 12, tzinfo=UTC)  # a Monday
PUBLIC = "1.2.3.4"  # a public address; connections to it are carried to a loopback server


def event(
    start: str = "20260318T090000Z", rule: str = "", summary: str = "Dentist", uid: str = "a"
) -> str:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}@test",
        "DTSTAMP:20260301T000000Z",
        f"DTSTART:{start}",
        f"DTEND:{start[:9]}{int(start[9:11]) + 1:02d}{start[11:]}",
        f"SUMMARY:{summary}",
        *([rule] if rule else []),
        "END:VEVENT",
    ]
    return "\r\n".join(lines) + "\r\n"


def calendar_text(*events: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        + "".join(events or (event(),))
        + "END:VCALENDAR\r\n"
    )


def ics(*events: str) -> bytes:
    return calendar_text(*events).encode()


Route = Callable[[BaseHTTPRequestHandler], None]


class LoopbackServer:
    """A real http.server on 127.0.0.1: routes by path, remembers every request."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[tuple[str, str]] = []  # (path, Host header)
        self.release = threading.Event()  # ends whatever a route is still trickling
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.hits.append((self.path, self.headers.get("Host", "")))
                route = outer.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                with contextlib.suppress(OSError):  # the client hung up
                    route(self)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def serve(data: bytes, content_type: str = "text/calendar") -> Route:
    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    return route


def redirect(location: str) -> Route:
    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.end_headers()

    return route


def trickle(server: LoopbackServer, where: str, every: float = 0.3) -> Route:
    """A calendar whose headers or first line come one byte every `every` seconds: each
    read gets something long before any per-read time-out, the whole takes many seconds."""
    data = ics()
    head = b"HTTP/1.0 200 OK\r\nContent-Type: text/calendar\r\n\r\n"
    slow, fast = (head, data) if where == "headers" else (head + data[:17], data[17:])

    def route(handler: BaseHTTPRequestHandler) -> None:
        for i in range(len(slow)):
            if server.release.wait(every):
                return
            handler.wfile.write(slow[i : i + 1])
        handler.wfile.write(fast)

    return route


@pytest.fixture
def server():
    started = LoopbackServer()
    yield started
    started.close()


@pytest.fixture
def allow_private(app, monkeypatch):
    """The suite's servers are on loopback: let the guard pass them for this test."""
    monkeypatch.setitem(app.config, "PLANNER_IMPORTS_ALLOW_PRIVATE", True)


@pytest.fixture
def frozen():
    """Time stands at NOW (list it before `member`: sign-in tokens carry the time)."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def member(app, client, make):
    made = make("Alex")
    login(client, made.emails[0])
    return made


class Network:
    """Answers for a few made-up host names; never lets a connection leave loopback."""

    def __init__(self) -> None:
        self.names: dict[str, list[str | None]] = {}  # answers in turn; the last repeats
        self.carried: dict[tuple[str, int], tuple[str, int]] = {}

    def answer(self, host: str) -> str | None:
        answers = self.names[host]
        return answers.pop(0) if len(answers) > 1 else answers[0]


@pytest.fixture
def network(monkeypatch):
    net = Network()
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.create_connection

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in net.names:
            if host != "localhost" and not _is_address(host):
                raise socket.gaierror(socket.EAI_NONAME, "no lookups leave this test")
            return real_getaddrinfo(host, port, *args, **kwargs)
        address = net.answer(host)
        if address is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port or 0)))]

    def create_connection(address, *args, **kwargs):
        host, port = address[0], int(address[1])
        if host in net.names:  # a name, as urllib passes it: resolved as the system would
            host = getaddrinfo(host, port)[0][4][0]
        host, port = net.carried.get((host, port), (host, port))
        if not ipaddress.ip_address(host).is_loopback:
            raise ConnectionRefusedError("tests never leave loopback")
        return real_connect((host, port), *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    return net


def _is_address(host) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def subscribe(client, url: str):
    return client.post("/imports/subscribe", data={"name": "Work", "url": url})


def upload(client, data: bytes):
    return client.post(
        "/imports/upload",
        data={"name": "Work", "file": (io.BytesIO(data), "cal.ics")},
        content_type="multipart/form-data",
    )


def read_waiting(app) -> int:
    with committing(app):
        return job.refresh_due_imports()


def nothing_saved(app) -> bool:
    with committing(app):
        return db.session.query(CalendarImport).count() == 0


def busy_summaries(app) -> list[str]:
    with committing(app):
        return list(db.session.scalars(select(BusyBlock.summary).order_by(BusyBlock.starts_at)))


# --- 1. the address guard ---------------------------------------------------------------


def test_a_percent_encoded_host_is_refused_not_decoded(app, client, member, server, network):
    server.routes["/cal.ics"] = serve(ics())
    response = subscribe(client, f"http://%31%32%37.0.0.1:{server.port}/cal.ics")
    assert response.status_code == 422
    assert "isn't a valid server name" in body(response)
    assert server.hits == [] and nothing_saved(app)


@pytest.mark.parametrize("inside", ["http://%31%32%37.0.0.1:{port}/inside", "/inside-localhost"])
def test_every_redirect_is_checked_like_the_first_address(
    app, client, member, server, network, inside
):
    network.names["calendar.example"] = [PUBLIC]
    network.carried[(PUBLIC, 80)] = ("127.0.0.1", server.port)
    server.routes["/inside"] = serve(ics())
    server.routes["/inside-localhost"] = redirect(f"http://localhost:{server.port}/inside")
    server.routes["/cal.ics"] = redirect(inside.format(port=server.port))
    response = subscribe(client, "http://calendar.example/cal.ics")
    assert response.status_code == 422
    assert "redirects somewhere Planner won't go" in body(response)
    assert "/inside" not in [path for path, _ in server.hits] and nothing_saved(app)


def test_the_address_checked_is_the_address_connected_to(app, client, member, network):
    """DNS rebinding: the name answers a public address to the check and a loopback one a
    moment later. Planner resolves once and connects to what it checked, keeping the name
    in the Host header."""
    outside, inside = LoopbackServer(), LoopbackServer()
    try:
        outside.routes["/cal.ics"] = serve(ics(event(summary="Outside")))
        inside.routes["/cal.ics"] = serve(ics(event(summary="Inside")))
        network.names["rebind.example"] = [PUBLIC, "127.0.0.1"]
        network.carried[(PUBLIC, inside.port)] = ("127.0.0.1", outside.port)
        response = subscribe(client, f"http://rebind.example:{inside.port}/cal.ics")
        assert response.status_code == 302
        assert inside.hits == []
        assert outside.hits == [("/cal.ics", f"rebind.example:{inside.port}")]
    finally:
        outside.close()
        inside.close()


def test_a_name_that_does_not_resolve_is_refused_clearly(app, client, member, network):
    network.names["nowhere.example"] = [None]
    response = subscribe(client, "https://nowhere.example/cal.ics")
    assert response.status_code == 422
    assert "couldn't find the server “nowhere.example”" in body(response)
    assert nothing_saved(app)


@pytest.mark.parametrize("private_allowed", [True, False])
def test_a_link_with_a_user_name_is_refused_clearly(
    app, client, member, server, monkeypatch, private_allowed
):
    monkeypatch.setitem(app.config, "PLANNER_IMPORTS_ALLOW_PRIVATE", private_allowed)
    server.routes["/cal.ics"] = serve(ics())
    response = subscribe(client, f"http://alex:secret@127.0.0.1:{server.port}/cal.ics")
    assert response.status_code == 422
    assert "user name or password" in body(response)
    assert server.hits == [] and nothing_saved(app)


# --- 3. one deadline per fetch ------------------------------------------------------------


@pytest.mark.parametrize("where", ["headers", "body"])
def test_a_trickling_server_gets_one_deadline_for_the_whole_fetch(
    app, client, member, server, allow_private, monkeypatch, where
):
    monkeypatch.setitem(app.config, "PLANNER_IMPORTS_FETCH_SECONDS", 1.5)
    server.routes["/slow.ics"] = trickle(server, where)
    response = subscribe(client, server.url + "/slow.ics")
    assert response.status_code == 422
    assert "didn't send the calendar within 1.5 seconds" in body(response)
    assert nothing_saved(app)


# --- 2. runaway rules: read by the job, under a budget and a deadline ---------------------


RUNAWAY = {
    "every 0 days": (ics(event(rule="RRULE:FREQ=DAILY;INTERVAL=0")), "never moves on"),
    "30 February": (
        ics(event(rule="RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30")),
        "can never happen",
    ),
    "daily since the year 1": (
        ics(event(start="00010101T090000Z", rule="RRULE:FREQ=DAILY", summary="Old")),
        "The event “Old” repeats too many times since it began",
    ),
    "ten long hourly rules": (
        ics(
            *(
                event(start="20000101T090000Z", rule="RRULE:FREQ=HOURLY;COUNT=900000", uid=f"h{i}")
                for i in range(10)
            )
        ),
        "repeats too many times since it began",
    ),
}


@pytest.mark.parametrize("name", list(RUNAWAY))
def test_runaway_rules_are_refused_by_the_calendar_job_not_read_in_the_request(
    app, client, frozen, member, name
):
    data, message = RUNAWAY[name]
    assert upload(client, data).status_code == 302  # stored, not read
    assert "being read" in body(client.get("/imports"))
    assert read_waiting(app) == 1
    page = body(client.get("/imports"))
    assert message in page and "being read" not in page
    assert busy_summaries(app) == []


def test_the_calendar_jobs_refusal_is_kept_in_the_members_language(
    app, client, frozen, member, monkeypatch
):
    """The reader's child has no translations: it sends the refusal's words and values, and
    the job tells them in the member's language (not the request's, there is none)."""
    from flask_babel import get_locale

    from planner.imports import services

    def told_in(text, **values):
        return f"[{get_locale()}] " + (text % values if values else text)

    monkeypatch.setattr(services, "_", told_in)
    with committing(app):
        db.session.get(Member, member.member_ids[0]).language = "de"
    data, message = RUNAWAY["daily since the year 1"]
    assert upload(client, data).status_code == 302
    assert read_waiting(app) == 1
    with committing(app):
        error = db.session.scalars(select(CalendarImport.last_error)).one()
    assert error.startswith("[de] The event [de] “Old” repeats too many times since it began")


def test_a_calendar_that_takes_too_long_is_stopped_at_the_deadline(
    app, client, frozen, member, monkeypatch
):
    """No rule here is refused up front (each would end by itself after some seconds), but
    together they would take minutes: the child reading them is killed at the deadline."""
    monkeypatch.setitem(app.config, "PLANNER_IMPORTS_READ_SECONDS", 1)
    rule = "RRULE:FREQ=HOURLY;BYMONTHDAY=31;BYYEARDAY=1"  # 31 January is never day 1
    data = ics(*(event(rule=rule, uid=f"n{i}") for i in range(10)))
    assert upload(client, data).status_code == 302
    assert read_waiting(app) == 1
    page = body(client.get("/imports"))
    assert "Planner stopped reading this calendar after 1 seconds" in page
    assert busy_summaries(app) == []


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=DAILY;INTERVAL=-1", "never moves on"),
        ("FREQ=MONTHLY;BYMONTH=4,6;BYMONTHDAY=31", "can never happen"),
        ("FREQ=YEARLY;BYMONTH=1;BYYEARDAY=366", "can never happen"),
        ("FREQ=DAILY;BYMONTHDAY=32", "couldn't read the dates"),
        ("FREQ=DAILY;BYHOUR=24", "couldn't read the dates"),
    ],
)
def test_rules_that_never_happen_or_never_move_on_are_refused_at_once(rule, message):
    data = ics(event(rule=f"RRULE:{rule}"))
    with pytest.raises(CalendarImportError, match=message):
        parse_busy_times(
            data, NOW, NOW + timedelta(days=70), tz=ZoneInfo("Europe/London"), max_expanded=1000
        )


def test_rare_but_possible_rules_are_read():
    leap_day = event(start="20240229T090000Z", rule="RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29")
    new_years_eve = event(
        start="20241231T090000Z", rule="RRULE:FREQ=YEARLY;BYMONTH=12;BYYEARDAY=-1", uid="b"
    )
    busy = parse_busy_times(
        ics(leap_day, new_years_eve),
        datetime(2027, 12, 1, tzinfo=UTC),
        datetime(2028, 3, 31, tzinfo=UTC),
        tz=ZoneInfo("Europe/London"),
    )
    assert [b.start.date().isoformat() for b in busy] == ["2027-12-31", "2028-02-29"]


def _reminder_sent(app) -> bool:
    with committing(app):
        states = db.session.scalars(
            select(Reminder.state).where(Reminder.kind == ReminderKind.SELFCARE)
        )
        return ReminderState.SENT in set(states)


@time_machine.travel(NOW, tick=True)  # the real scheduler runs on from a fixed moment
def test_a_stuck_calendar_never_delays_a_reminder(app, make, server, database_url, tmp_path):
    """The embedded scheduler runs calendars as a job of their own: while one calendar
    is stuck on a server that keeps trickling, a reminder that falls due is still sent."""
    server.routes["/stuck.ics"] = trickle(server, "body", every=0.5)
    made = make("Alex")
    with committing(app):
        member = db.session.get(Member, made.member_ids[0])
        db.session.add(
            CalendarImport(
                household_id=made.household_id,
                member_id=member.id,
                name="Stuck",
                source_url=server.url + "/stuck.ics",
            )
        )
    ticking = create_app(
        app_settings(
            database_url,
            tmp_path,
            TESTING=False,
            PLANNER_SCHEDULER="on",
            PLANNER_IMPORTS_ALLOW_PRIVATE=True,
            PLANNER_IMPORTS_FETCH_SECONDS=120,
        )
    )
    scheduler = ticking.extensions["planner_scheduler"]
    finished: list[str] = []
    scheduler.add_listener(lambda done: finished.append(done.job_id), EVENT_JOB_EXECUTED)
    try:
        assert _eventually(lambda: server.hits)  # the calendar is being fetched, and stays so
        assert _eventually(lambda: "reminders" in finished)  # and a reminder round has ended
        with committing(app):
            zone = ZoneInfo(db.session.get(Household, made.household_id).timezone)
            start = (datetime.now(UTC) + timedelta(minutes=10)).astimezone(zone)
            db.session.add(
                SelfCareSlot(
                    household_id=made.household_id,
                    member_id=made.member_ids[0],
                    title="Run",
                    weekday=start.weekday(),
                    start_time=start.time().replace(second=0, microsecond=0),
                    minutes=60,
                    created_at=datetime(2020, 1, 1, tzinfo=UTC),
                )
            )
        scheduler.modify_job("reminders", next_run_time=datetime.now(UTC))
        assert _eventually(lambda: _reminder_sent(app))
        assert not server.release.is_set()  # still stuck while the reminder went out
    finally:
        server.release.set()
        scheduler.shutdown(wait=True)
        with ticking.app_context():
            db.engine.dispose()


def _eventually(check: Callable[[], object], seconds: float = 20) -> bool:
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        if check():
            return True
        time.sleep(0.1)
    return False


def test_the_scheduler_runs_calendars_and_reminders_as_separate_jobs(app, database_url, tmp_path):
    ticking = create_app(
        app_settings(database_url, tmp_path, TESTING=False, PLANNER_SCHEDULER="on")
    )
    scheduler = ticking.extensions["planner_scheduler"]
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {"reminders", "calendars"}
        assert all(job.max_instances == 1 for job in jobs.values())
    finally:
        scheduler.shutdown(wait=True)
        with ticking.app_context():
            db.engine.dispose()


def test_refresh_calendars_command_reads_what_waits(app, client, frozen, member):
    assert upload(client, ics(event(summary="Therapy"))).status_code == 302
    result = app.test_cli_runner().invoke(args=["planner", "refresh-calendars"])
    assert result.exit_code == 0 and "Refreshed 1 calendar(s)." in result.output
    assert busy_summaries(app) == ["Therapy"]


# --- 10. charsets and empty rules -----------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "encoding"),
    [
        ("text/calendar; charset=ISO-8859-1", "latin-1"),
        ("text/calendar; charset=windows-1252", "cp1252"),
        ("text/calendar", "latin-1"),  # no charset, not UTF-8: read as Windows-1252
        ("text/calendar; charset=utf-8", "utf-8"),
        ("text/calendar; charset=no-such-charset", "utf-8"),
    ],
)
def test_a_subscribed_calendar_is_read_in_its_charset(
    app, client, frozen, member, server, allow_private, content_type, encoding
):
    data = calendar_text(event(summary="Café crème")).encode(encoding)
    server.routes["/cal.ics"] = serve(data, content_type)
    assert subscribe(client, server.url + "/cal.ics").status_code == 302
    assert read_waiting(app) == 1
    assert busy_summaries(app) == ["Café crème"]


def test_an_empty_rrule_means_no_repeat(app, client, frozen, member):
    """Some holiday feeds write `RRULE:` with nothing after it."""
    holiday = (
        "BEGIN:VEVENT\r\nUID:easter@holidays\r\nDTSTAMP:20260101T000000Z\r\n"
        "DTSTART;VALUE=DATE:20260403\r\nDTEND;VALUE=DATE:20260404\r\nSUMMARY:Good Friday\r\n"
        "RRULE:\r\nEND:VEVENT\r\n"
    )
    assert upload(client, ics(holiday, event(summary="Dentist"))).status_code == 302
    assert read_waiting(app) == 1
    page = body(client.get("/imports"))
    assert "2 busy times ahead" in page
    assert busy_summaries(app) == ["Dentist", "Good Friday"]
