"""Bringing calendars in: uploads and URL subscriptions, refused cleanly when bad."""

from __future__ import annotations

import io
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from planner.domain.busy import MAX_ICS_BYTES
from planner.extensions import db
from planner.imports import job, services
from planner.models import BusyBlock, CalendarImport, Household
from tests.helpers import body, committing, login


def ics(start: datetime, summary: str = "Dentist", hours: int = 1) -> bytes:
    stamp = start.strftime("%Y%m%dT%H%M%SZ")
    end = (start + timedelta(hours=hours)).strftime("%Y%m%dT%H%M%SZ")
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        f"BEGIN:VEVENT\r\nUID:a@test\r\nDTSTAMP:{stamp}\r\nDTSTART:{stamp}\r\nDTEND:{end}\r\n"
        f"SUMMARY:{summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def soon(days: int = 2) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)


def upload(client, data: bytes, filename: str = "cal.ics"):
    return client.post(
        "/imports/upload",
        data={"name": "Work", "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def read_waiting(app) -> int:
    """Run the calendar job once, as the scheduler would: it reads what requests stored."""
    with committing(app):
        return job.refresh_due_imports()


def test_upload_gives_private_busy_times(app, client, make):
    home = make("Alex", "Sam")
    login(client, home.emails[0])
    assert client.get("/imports").status_code == 200
    start = soon()
    response = upload(client, ics(start, "Therapy"))
    assert response.status_code == 302
    assert "being read" in body(client.get("/imports"))  # the job reads it, not the request
    assert read_waiting(app) == 1
    with committing(app):
        household = db.session.get(Household, home.household_id)
        busy = services.busy_times_for(
            household, start - timedelta(days=1), start + timedelta(days=1)
        )
        assert [(b.start, b.end, b.summary) for b in busy] == [
            (start, start + timedelta(hours=1), "Alex: busy")
        ]
        assert (
            services.busy_times_for(
                household, start - timedelta(days=1), start + timedelta(days=1), home.member_ids[1]
            )
            == []
        )
    page = body(client.get("/imports"))
    assert "Work" in page and "1 busy time ahead" in page and "being read" not in page


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "cal.ics", "This calendar file is empty"),
        (b"<html><body>hi</body></html>", "cal.ics", "web page"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "photo.png", "doesn't look like a calendar"),
        (b"BEGIN:VCALENDAR\r\n" + b"X" * (MAX_ICS_BYTES + 10), "big.ics", "larger than"),
    ],
)
def test_bad_uploads_are_refused_cleanly(app, client, make, data, filename, message):
    home = make()
    login(client, home.emails[0])
    with committing(app):
        version = db.session.get(Household, home.household_id).version
    response = upload(client, data, filename)
    assert response.status_code == 422
    assert message in body(response)
    with committing(app):
        assert db.session.query(CalendarImport).count() == 0
        assert db.session.query(BusyBlock).count() == 0
        assert db.session.get(Household, home.household_id).version == version


def test_a_calendar_that_cant_be_read_says_why_and_gives_no_busy_times(app, client, make):
    """Reading events is the job's work: the upload is kept, and the page says why it
    couldn't be read; nothing is busy."""
    home = make()
    login(client, home.emails[0])
    data = b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    assert upload(client, data).status_code == 302
    assert read_waiting(app) == 1
    page = body(client.get("/imports"))
    assert "Planner couldn't read it: The event “x” has no start time" in page
    with committing(app):
        assert db.session.query(BusyBlock).count() == 0


class _Server:
    """A real http.server on 127.0.0.1 serving whatever body a test sets."""

    def __init__(self):
        self.body, self.content_type = b"", "text/calendar"
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path.startswith("/redirect"):
                    self.send_response(302)
                    self.send_header("Location", "file:///etc/passwd")
                    self.end_headers()
                    return
                self.send_response(200 if self.path != "/missing" else 404)
                self.send_header("Content-Type", outer.content_type)
                self.end_headers()  # no Content-Length: the size cap must hold while reading
                self.wfile.write(outer.body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def calendar_server(app):
    server = _Server()
    app.config["PLANNER_IMPORTS_ALLOW_PRIVATE"] = True
    yield server
    app.config["PLANNER_IMPORTS_ALLOW_PRIVATE"] = False
    server.close()


def test_subscribe_to_url_and_refresh(app, client, make, calendar_server):
    home = make()
    login(client, home.emails[0])
    start = soon(3)
    calendar_server.body = ics(start)
    response = client.post(
        "/imports/subscribe", data={"name": "Work", "url": calendar_server.url + "/cal.ics"}
    )
    assert response.status_code == 302
    assert read_waiting(app) == 1
    with committing(app):
        imported = db.session.query(CalendarImport).one()
        import_id = imported.id
        assert imported.source_url.endswith("/cal.ics") and len(imported.busy_blocks) == 1
    later = soon(4)
    calendar_server.body = ics(later, hours=2)
    assert client.post(f"/imports/{import_id}/refresh").status_code == 302
    assert read_waiting(app) == 1
    with committing(app):
        (block,) = db.session.query(BusyBlock).all()
        assert block.starts_at == later and block.ends_at == later + timedelta(hours=2)
        # A broken refresh keeps the last good busy times and says why.
        calendar_server.body = b"<html>gone</html>"
        imported = db.session.get(CalendarImport, import_id)
        imported.last_fetched_at = datetime.now(UTC) - timedelta(days=1)
        db.session.commit()
        assert job.refresh_due_imports() == 1
        imported = db.session.get(CalendarImport, import_id)
        assert "web page" in imported.last_error and len(imported.busy_blocks) == 1
        assert job.refresh_due_imports() == 0  # not due again yet
    assert client.post(f"/imports/{import_id}/remove").status_code == 302
    with committing(app):
        assert db.session.query(BusyBlock).count() == 0


@pytest.mark.parametrize(
    ("path_or_url", "message"),
    [
        ("/big.ics", "larger than"),
        ("/missing", "404"),
        ("/redirect", "redirects somewhere"),
        ("file:///etc/passwd", "Only web addresses"),
        ("ftp://example.com/cal.ics", "Only web addresses"),
        ("", "Paste the calendar"),
    ],
)
def test_bad_urls_are_refused_cleanly(app, client, make, calendar_server, path_or_url, message):
    home = make()
    login(client, home.emails[0])
    calendar_server.body = b"BEGIN:VCALENDAR\r\n" + b"X" * (MAX_ICS_BYTES + 100)
    url = calendar_server.url + path_or_url if path_or_url.startswith("/") else path_or_url
    response = client.post("/imports/subscribe", data={"name": "Work", "url": url})
    assert response.status_code == 422
    assert message in body(response)
    with committing(app):
        assert db.session.query(CalendarImport).count() == 0


def test_private_addresses_are_refused_by_default(app, client, make):
    home = make()
    login(client, home.emails[0])
    response = client.post("/imports/subscribe", data={"url": "http://127.0.0.1:9/cal.ics"})
    assert response.status_code == 422 and "private network" in body(response)


def test_only_the_owner_manages_an_import(app, client, make):
    home = make("Alex", "Sam")
    login(client, home.emails[0])
    upload(client, ics(soon()))
    with committing(app):
        import_id = db.session.query(CalendarImport).one().id
    client.post("/logout")
    login(client, home.emails[1])
    assert client.post(f"/imports/{import_id}/remove").status_code == 403
    assert client.post(f"/imports/{import_id}/refresh").status_code == 403


def test_refresh_calendars_cli(app):
    result = app.test_cli_runner().invoke(args=["planner", "refresh-calendars"])
    assert result.exit_code == 0 and "Refreshed 0 calendar(s)." in result.output
