"""Compressed answers: brotli or gzip as the client asks, plain otherwise; feeds keep their
one-query 304; tiny answers (the live polls) go as they are."""

from __future__ import annotations

import gzip
import re
from datetime import UTC, datetime

import brotli
import pytest
import time_machine
from sqlalchemy import event

from planner.extensions import db
from planner.feeds import services as feed_services
from planner.security import CSP
from tests.helpers import body, committing, login
from tests.test_session_helpers import plan_for

A_MOMENT = datetime(2026, 11, 25, 12, tzinfo=UTC)
DECODE = {"br": brotli.decompress, "gzip": gzip.decompress}


@pytest.fixture(autouse=True)
def _one_moment():
    """Still time, so the same page comes back byte for byte (its CSRF token is dated)."""
    with time_machine.travel(A_MOMENT, tick=False):
        yield


def _feed_path(client) -> str:
    page = body(client.post("/feeds/links", data={"feed": "member"}, follow_redirects=True))
    url = re.search(r'value="(http://planner\.test/feeds/[^"]+\.ics)"', page).group(1)
    return url.removeprefix("http://planner.test")


def _statements(app):
    """Collects the SQL statements run while it is open."""
    seen: list[str] = []
    with committing(app):
        engine = db.engine

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    class Counting:
        def __enter__(self):
            event.listen(engine, "before_cursor_execute", count)
            return seen

        def __exit__(self, *exc):
            event.remove(engine, "before_cursor_execute", count)

    return Counting()


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        ("br", "br"),
        ("gzip", "gzip"),
        ("gzip, deflate, br, zstd", "br"),  # what Chromium sends
        ("gzip, deflate", "gzip"),  # an older phone
        ("br;q=0.5, gzip", "gzip"),
        ("zstd", None),
        ("identity", None),
        (None, None),
    ],
)
def test_a_page_is_compressed_as_the_client_asks(client, make, accept, chosen):
    login(client, make("Alex").emails[0])
    plain = client.get("/home")
    assert plain.status_code == 200 and len(plain.data) > 500
    assert "Content-Encoding" not in plain.headers
    answer = client.get("/home", headers={"Accept-Encoding": accept} if accept else {})
    assert answer.status_code == 200
    assert answer.headers.get("Content-Encoding") == chosen
    data = DECODE[chosen](answer.data) if chosen else answer.data
    assert data == plain.data
    if chosen:
        assert len(answer.data) < len(plain.data) / 2
        assert int(answer.headers["Content-Length"]) == len(answer.data)
    assert "Accept-Encoding" in answer.headers["Vary"]
    # The security headers are on the compressed page as on the plain one.
    assert answer.headers["Content-Security-Policy"] == CSP
    assert answer.headers["Cache-Control"] == "private, no-store"
    assert answer.headers["X-Frame-Options"] == "DENY"


def test_scripts_styles_and_the_service_worker_are_compressed(client):
    worker = client.get("/sw.js", headers={"Accept-Encoding": "gzip"})
    assert worker.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(worker.data).startswith(b"// Planner's service worker")
    assert worker.headers["Cache-Control"] == "no-cache"
    css = re.search(r'href="(/static/app\.[0-9a-f]{8}\.css)"', body(client.get("/login")))[1]
    style = client.get(css, headers={"Accept-Encoding": "br"})
    assert style.headers["Content-Encoding"] == "br"
    assert b"--accent" in brotli.decompress(style.data)


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_a_compressed_feed_still_answers_304_in_one_query(app, client, make, monkeypatch, encoding):
    login(client, make("Alex").emails[0])
    path = _feed_path(client)
    phone = app.test_client()
    asked = {"Accept-Encoding": encoding}
    plain = phone.get(path)
    first = phone.get(path, headers=asked)
    assert first.status_code == 200 and first.mimetype == "text/calendar"
    assert first.headers["Content-Encoding"] == encoding
    assert DECODE[encoding](first.data) == plain.data
    assert DECODE[encoding](first.data).startswith(b"BEGIN:VCALENDAR")
    assert "Accept-Encoding" in first.headers["Vary"]
    etag = first.headers["ETag"]
    # One ETag for the plain and the compressed bytes: a phone's stored copy is valid
    # whatever encoding it came in.
    assert etag == plain.headers["ETag"] and etag.startswith('W/"')

    builds = []
    real = feed_services.build_feed
    monkeypatch.setattr(
        feed_services, "build_feed", lambda *a, **k: builds.append(1) or real(*a, **k)
    )
    # As sent, as it was before feeds were compressed (strong), and among others.
    for sent in (etag, etag.removeprefix("W/"), f'"other", {etag}'):
        with _statements(app) as statements:
            again = phone.get(path, headers={**asked, "If-None-Match": sent})
        assert again.status_code == 304, sent
        assert again.data == b"" and "Content-Encoding" not in again.headers
        assert again.headers["ETag"] == etag
        assert len(statements) == 1 and "feed_token" in statements[0]
    assert builds == []


def test_tiny_answers_go_uncompressed(app, client, make):
    planned = plan_for(app, make("Alex", "Sam"))
    login(client, planned.emails[0])
    br = {"Accept-Encoding": "br, gzip"}

    home = client.get("/home", headers=br)
    assert home.headers["Content-Encoding"] == "br"  # a page is, with the same headers
    poll = re.search(r'hx-get="(/home/version\?v=[^"]+)"', body(client.get("/home")))[1]
    unchanged = client.get(poll, headers=br)
    assert unchanged.status_code == 204 and unchanged.data == b""
    assert "Content-Encoding" not in unchanged.headers

    url = f"/session/{planned.plan_id}/version"
    element = client.get(f"{url}?v=0", headers=br)  # the poll element: a short answer
    assert element.status_code == 200 and b"live-poll" in element.data
    assert len(element.data) < 500 and "Content-Encoding" not in element.headers
    version = re.search(r'data-version="(\d+)"', element.get_data(as_text=True))[1]
    same = client.get(f"{url}?v={version}", headers=br)
    assert same.status_code == 204 and same.data == b""
    assert "Content-Encoding" not in same.headers
