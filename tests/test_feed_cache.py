"""Feeds built once per change and shared by every process: the bytes are stored per feed
token for one household version and week, a change anywhere is served at once by every
process, a stored feed costs one read, and the table keeps one row per feed."""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import icalendar
import pytest
import time_machine
from icalendar import Timezone
from sqlalchemy import event, select

from planner import database
from planner.domain import ical
from planner.extensions import db
from planner.feeds import services as feed_services
from planner.models import FeedToken, Household, Member
from planner.models.feeds import FeedCache
from planner.selfcare import services as selfcare
from planner.tokens import hash_token
from tests.conftest import TEST_SECRET, free_port
from tests.helpers import body, committing, login
from tests.test_feeds import new_feed_url, path_of, seed

ROOT = Path(__file__).resolve().parent.parent
# A Wednesday noon: the same week in London for the test and for the other process, which
# runs an hour later so that anything it built afresh would carry a later Last-Modified.
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)

# gunicorn's workers (not its arbiter, which times them out by the real clock) run at LATER.
GUNICORN_CONFIG = f"""
import time_machine

def post_fork(server, worker):
    time_machine.travel({LATER.isoformat()!r}, tick=True).start()
"""


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def other_process(database_url, tmp_path):
    """The app under gunicorn in its own processes, on the suite's database."""
    port = free_port()
    config = tmp_path / "gunicorn_conf.py"
    config.write_text(GUNICORN_CONFIG)
    env = {
        **os.environ,
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": database_url,
        "PLANNER_BASE_URL": "http://planner.test",  # as the suite's app: the same UIDs
        "PLANNER_SCHEDULER": "off",
        "MAIL_FILE_DIR": str(tmp_path / "mail"),
    }
    cmd = [sys.executable, "-m", "gunicorn", "-c", str(config), "-w", "2", "--threads", "2"]
    cmd += ["-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"]
    server = subprocess.Popen(cmd, cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _get(port, "/login")
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def _get(port: int, path: str, headers: dict | None = None) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    conn.close()
    return response


def _modified(headers) -> datetime:
    return parsedate_to_datetime(headers["Last-Modified"])


def _exdates(ics: bytes, summary: str) -> list:
    (run,) = [
        e for e in icalendar.Calendar.from_ical(ics).walk("VEVENT") if e["SUMMARY"] == summary
    ]
    found = run.get("EXDATE", [])
    return [d.dt for x in (found if isinstance(found, list) else [found]) for d in x.dts]


class _Statements:
    """The SQL statements this process runs while it is open."""

    def __init__(self, app):
        with app.app_context():
            self.engine = db.engine
        self.seen: list[str] = []

    def _count(self, conn, cursor, statement, *args):
        self.seen.append(statement)

    def __enter__(self) -> list[str]:
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self.seen

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._count)


def _stored(app) -> list[FeedCache]:
    with committing(app):
        return list(db.session.scalars(select(FeedCache).order_by(FeedCache.feed_token_id)))


def _skip_next_run(client, app, week: date) -> None:
    with committing(app):
        slot_id = db.session.query(selfcare.SelfCareSlot).filter_by(title="Run").one().id
    url = f"/selfcare/slots/{slot_id}/weeks/{week + timedelta(weeks=1)}"
    assert client.post(url, data={"action": "skip"}).status_code == 302


def test_a_change_made_in_one_process_is_served_at_once_by_another(
    app, client, make, clock, other_process
):
    home = make()
    week = seed(app, home)
    login(client, home.emails[0])
    path = path_of(new_feed_url(client))

    here = app.test_client().get(path)  # built and stored by this process
    there = _get(other_process, path)  # read by another: the same bytes, not built again
    assert there.status == 200 and there.body == here.data
    assert there.headers["ETag"] == here.headers["ETag"]
    assert _modified(there.headers) == _modified(here.headers) < LATER

    _skip_next_run(client, app, week)  # a change, made and committed in this process

    # The other process serves the new bytes at once, to a new subscriber and to a phone
    # holding the old ETag alike.
    changed = _get(other_process, path)
    assert changed.status == 200 and changed.headers["ETag"] != here.headers["ETag"]
    assert not _exdates(here.data, "Run") and len(_exdates(changed.body, "Run")) == 1
    assert _modified(changed.headers) >= LATER  # built there, after the change
    held = _get(other_process, path, {"If-None-Match": here.headers["ETag"]})
    assert held.status == 200 and held.body == changed.body
    assert held.headers["ETag"] == changed.headers["ETag"]

    # And this process reads what the other one stored, with one query.
    with _Statements(app) as statements:
        again = app.test_client().get(path)
    assert again.data == changed.body and again.headers["ETag"] == changed.headers["ETag"]
    assert _modified(again.headers) == _modified(changed.headers)
    assert len(statements) == 1 and "feed_cache" in statements[0]
    (row,) = _stored(app)
    assert row.body == changed.body


def test_a_stored_feed_is_one_read_and_a_matching_etag_never_fetches_its_bytes(
    app, client, make, clock
):
    home = make()
    seed(app, home)
    login(client, home.emails[0])
    path = path_of(new_feed_url(client))
    first = app.test_client().get(path)
    (row,) = _stored(app)
    clock.shift(timedelta(minutes=5))
    with _Statements(app) as statements:
        # Another process has nothing of it in memory: every request reads the database.
        again = app.test_client().get(path)
        not_modified = app.test_client().get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and again.data == first.data == row.body
    assert again.headers["Last-Modified"] == first.headers["Last-Modified"]  # not built again
    assert not_modified.status_code == 304 and not_modified.data == b""
    assert len(statements) == 2 and all("feed_cache" in s for s in statements)
    assert "feed_token" in statements[1]  # token, version and stored row in one query


def test_one_row_per_feed_replaced_on_a_change_or_a_new_week_and_gone_with_its_token(
    app, client, make, clock
):
    home = make()
    week = seed(app, home)
    login(client, home.emails[0])
    member_path = path_of(new_feed_url(client))
    page = client.post("/feeds/links", data={"feed": "household"}, follow_redirects=True)
    found = re.search(r'id="household-https"[^>]*value="http://planner\.test([^"]+)"', body(page))
    household_path = found.group(1)
    assert household_path != member_path
    for path in (member_path, household_path, member_path):
        assert app.test_client().get(path).status_code == 200
    stored = _stored(app)
    assert len(stored) == 2  # one per feed token
    member_row = stored[0]

    _skip_next_run(client, app, week)
    assert app.test_client().get(member_path).status_code == 200
    after_change = _stored(app)
    assert len(after_change) == 2 and after_change[0].version > member_row.version

    clock.shift(timedelta(weeks=1))
    next_week = app.test_client().get(member_path)
    assert next_week.status_code == 200
    rows = _stored(app)
    assert len(rows) == 2 and rows[0].week_start == week + timedelta(weeks=1)
    assert rows[0].body == next_week.data

    # Resetting the member's address removes its stored feed; the household's stays.
    new_member_path = path_of(new_feed_url(client))
    assert app.test_client().get(member_path).status_code == 404
    with committing(app):
        tokens = set(db.session.scalars(select(FeedToken.id)))
    assert [r.feed_token_id for r in _stored(app)] == [stored[1].feed_token_id]
    assert {r.feed_token_id for r in _stored(app)} <= tokens
    assert app.test_client().get(new_member_path).status_code == 200
    assert len(_stored(app)) == 2


def test_bytes_of_an_older_version_never_replace_newer_ones(app, client, make, clock):
    home = make()
    week = seed(app, home)
    login(client, home.emails[0])
    token = new_feed_url(client).rsplit("/", 1)[1].removesuffix(".ics")
    with committing(app):
        old = feed_services.find_feed(token)
        old_bytes = feed_services.built_feed(old).body
    _skip_next_run(client, app, week)
    with committing(app):
        new = feed_services.find_feed(token)
        assert new.version > old.version and new.stored is None
        new_bytes = feed_services.built_feed(new).body
    # A slow process that built the old version only now comes to store it.
    with committing(app):
        feed_services.store(old, feed_services.BuiltFeed(old_bytes, NOW))
    (row,) = _stored(app)
    assert row.version == new.version and row.body == new_bytes != old_bytes
    with committing(app):
        assert feed_services.find_feed(token).stored.body == new_bytes


def test_a_feed_whose_address_was_reset_while_it_was_built_stores_nothing(app, client, make, clock):
    home = make()
    seed(app, home)
    login(client, home.emails[0])
    token = new_feed_url(client).rsplit("/", 1)[1].removesuffix(".ics")
    with committing(app):
        found = feed_services.find_feed(token)
    with committing(app):  # the member resets the address meanwhile
        household = db.session.get(Household, home.household_id)
        feed_services.new_feed_token(household, db.session.get(Member, found.member_id))
    with committing(app):
        built = feed_services.built_feed(found)  # no error: the bytes are simply not kept
    assert built.body.startswith(b"BEGIN:VCALENDAR")
    assert _stored(app) == []


def test_bytes_made_for_another_address_are_not_served(app, client, make, clock):
    home = make()
    seed(app, home)
    login(client, home.emails[0])
    path = path_of(new_feed_url(client))
    first = app.test_client().get(path)
    assert b"@planner.test" in first.data
    app.config["PLANNER_BASE_URL"] = "https://planner.example.org"
    try:
        moved = app.test_client().get(path)
    finally:
        app.config["PLANNER_BASE_URL"] = "http://planner.test"
    assert b"@planner.example.org" in moved.data and b"@planner.test" not in moved.data
    (row,) = _stored(app)
    assert row.body == moved.data


@pytest.mark.parametrize(
    "tzid",
    ["Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Chatham"],
)
def test_the_kept_vtimezone_is_the_one_a_fresh_build_gives(tzid):
    ical._vtimezone.cache_clear()
    start = datetime(2026, 3, 28, 9, tzinfo=UTC)
    events = [ical.FeedEvent("a", "A", start, start + timedelta(hours=1), rrule="FREQ=WEEKLY")]
    stamp = datetime(2026, 1, 5, tzinfo=UTC)
    first = ical.build_calendar("Home", tzid, events, dtstamp=stamp)
    again = ical.build_calendar("Home", tzid, events, dtstamp=stamp)
    assert first == again
    assert ical._vtimezone.cache_info().misses == 1 and ical._vtimezone.cache_info().hits == 1
    fresh = Timezone.from_tzid(tzid, first_date=date(2026, 1, 1), last_date=date(2032, 1, 1))
    (kept,) = icalendar.Calendar.from_ical(first).walk("VTIMEZONE")
    assert kept.to_ical() == fresh.to_ical()
    assert ical._vtimezone(tzid, date(2026, 1, 1), date(2032, 1, 1)) is ical._vtimezone(
        tzid, date(2026, 1, 1), date(2032, 1, 1)
    )
    assert fresh.to_ical() in first  # in the feed byte for byte, as icalendar writes it


def test_no_vtimezone_for_utc_or_untimed_feeds():
    start = datetime(2026, 3, 28, 9, tzinfo=UTC)
    timed = ical.FeedEvent("a", "A", start, start + timedelta(hours=1))
    untimed = ical.FeedEvent("b", "B", start, start + timedelta(days=1), all_day=True)
    assert b"VTIMEZONE" not in ical.build_calendar("H", "UTC", [timed], dtstamp=start)
    assert b"VTIMEZONE" not in ical.build_calendar("H", "Europe/Paris", [untimed], dtstamp=start)
    assert b"TZID:Europe/Paris" in ical.build_calendar("H", "Europe/Paris", [timed], dtstamp=start)


def test_the_bare_lookup_reads_what_sqlalchemy_reads(app, client, make, clock):
    """The lookup runs on the DBAPI connection unless someone listens for statements; both
    ways give the same values, of the same types (UTC datetimes, dates, bytes)."""
    home = make()
    seed(app, home)
    login(client, home.emails[0])
    path = path_of(new_feed_url(client))
    first = app.test_client().get(path)
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    with committing(app):
        for etag in ("", first.headers["ETag"][3:-1]):
            params = {
                "token_hash": hash_token(token),
                "etag": etag,
                "recipe": feed_services.recipe(),
            }
            bare = feed_services._LOOKUP.first(db.engine, params)
            with _Statements(app) as statements:
                observed = feed_services._LOOKUP.first(db.engine, params)
            assert len(statements) == 1  # seen: this one went through SQLAlchemy
            assert bare == observed
            assert [type(v) for v in bare] == [type(v) for v in observed]
            built_at = bare[8]
            assert built_at.tzinfo == UTC and isinstance(bare[7], date)
            assert (bare[9] is None) == bool(etag)  # a held ETag leaves the bytes out
        missing = {**params, "token_hash": hash_token("no such token")}
        assert feed_services._LOOKUP.first(db.engine, missing) is None


def test_the_lookup_leaves_the_pools_connections_keeping_transactions(app, client, make, clock):
    """The lookup runs on a connection of its own thread, outside any transaction on
    PostgreSQL; the pool's connections stay as they were, so the next request's writes are
    still one transaction."""
    from sqlalchemy import create_engine, text

    home = make()
    login(client, home.emails[0])
    token = new_feed_url(client).rsplit("/", 1)[1].removesuffix(".ics")
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], pool_size=1, max_overflow=0)
    try:
        with app.app_context():
            params = {"token_hash": hash_token(token), "etag": "", "recipe": feed_services.recipe()}
        assert feed_services._LOOKUP.first(engine, params) is not None
        with engine.connect():  # the pool's one connection is lent out: not needed
            assert feed_services._LOOKUP.first(engine, params) is not None
        with engine.connect() as conn:
            conn.execute(
                text("UPDATE household SET name = 'Changed' WHERE id = :id"),
                {"id": home.household_id},
            )
            conn.rollback()
        with committing(app):
            assert db.session.get(Household, home.household_id).name != "Changed"
    finally:
        engine.dispose()


def _polled_once(app, client, make):
    """A new household's feed path and its first answer: this thread now keeps a lookup
    connection."""
    home = make()
    seed(app, home)
    login(client, home.emails[0])
    path = path_of(new_feed_url(client))
    first = app.test_client().get(path)
    assert first.status_code == 200
    return path, first


def test_a_lookup_connection_that_was_dropped_is_replaced_by_the_next_request(
    app, client, make, clock
):
    """The lookup's connection is never pinged before use: one the server dropped (a restart,
    an idle timeout) is found by the query and replaced once, so the phone still gets its
    answer. On SQLite, where no server drops it, it is closed under the lookup instead."""
    from sqlalchemy import create_engine, text

    path, first = _polled_once(app, client, make)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("postgresql"):
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            dropped = conn.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        admin.dispose()
        assert dropped >= 1
    else:
        with app.app_context():
            kept = database._connections()[db.engine]
        kept.dbapi.close()
    again = app.test_client().get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert app.test_client().get(path).data == first.data


def test_a_column_type_changed_under_the_running_app_leaves_the_feed_answering(
    app, client, make, clock
):
    """On PostgreSQL the lookup is prepared once per connection. A migration that changes a
    column's type makes the server refuse that statement ("cached plan must not change
    result type"); the lookup prepares it again rather than fail every poll until a restart."""
    from sqlalchemy import create_engine, text

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        pytest.skip("SQLite prepares no statement across queries")
    path, first = _polled_once(app, client, make)  # the lookup is prepared on it
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    alter = "ALTER TABLE household ALTER COLUMN timezone TYPE varchar({})"
    try:
        with admin.connect() as conn:
            conn.execute(text(alter.format(65)))
        again = app.test_client().get(path, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304
        assert app.test_client().get(path).data == first.data
    finally:
        with admin.connect() as conn:
            conn.execute(text(alter.format(64)))
        admin.dispose()
