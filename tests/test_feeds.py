"""Calendar feeds: correct for calendar apps, private, cached, resettable."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from planner.domain.week import local_to_utc
from planner.extensions import db
from planner.feeds import services as feed_services
from planner.feeds.builder import build_feed
from planner.models import FeedToken, Household
from planner.models.feeds import FeedCache
from planner.selfcare import services as selfcare
from planner.week.services import week_start_for_household
from tests.helpers import body, committing, login
from tests.selfcare_helpers import add_plan_item, add_slot


def new_feed_url(client, which="member") -> str:
    page = body(client.post("/feeds/links", data={"feed": which}, follow_redirects=True))
    found = re.search(
        rf'id="{which}-https"[^>]*value="(http://planner\.test/feeds/[^"]+\.ics)"', page
    )
    return found.group(1)


def path_of(url: str) -> str:
    return url.removeprefix("http://planner.test")


def parse(response) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(response.data)


def seed(app, home):
    """Alex runs on Tuesdays; Sam does pottery on Saturdays; both own something this week."""
    with committing(app):
        household = db.session.get(Household, home.household_id)
        tz, week = household.tz, week_start_for_household(household)
        add_slot(home, 0, "Run", 1, time(18, 30), 60)
        add_slot(home, 1, "Pottery", 5, time(9), 120)
        add_plan_item(
            home,
            week,
            "Bins out",
            0,
            [week + timedelta(days=2)],
            at=lambda d: local_to_utc(d, time(20), tz),
            effort=10,
        )
        add_plan_item(home, week, "Laundry", 0, [week + timedelta(days=4)])
        add_plan_item(
            home, week + timedelta(weeks=1), "Cook Friday dinner", 1, [week + timedelta(days=11)]
        )
        return week


def test_member_feed_is_a_correct_private_calendar(app, client, make):
    home = make("Alex", "Sam")
    seed(app, home)
    login(client, home.emails[0])
    url = new_feed_url(client)
    anonymous = app.test_client()
    response = anonymous.get(path_of(url))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Set-Cookie" not in response.headers
    assert response.headers["ETag"]
    cal = parse(response)
    assert cal["X-WR-CALNAME"] == "Planner · Alex"
    assert "REFRESH-INTERVAL" in cal and "X-PUBLISHED-TTL" in cal
    assert [c.name for c in cal.subcomponents if c.name not in ("VEVENT", "VTIMEZONE")] == []
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
    summaries = {str(e["SUMMARY"]) for e in cal.walk("VEVENT")}
    assert summaries == {
        "Bins out",
        "Laundry",
        "Run",
        "On duty: Sam's time",
        "Weekly planning session",
    }
    assert "Pottery" not in response.get_data(as_text=True)
    assert "Cook Friday dinner" not in response.get_data(as_text=True)
    for event in cal.walk("VEVENT"):
        start = event["DTSTART"].dt
        assert "DTSTAMP" in event and "SEQUENCE" in event and "UID" in event
        # Never floating: a zone on every timed start, or an all-day date.
        assert (
            isinstance(start, datetime) and event["DTSTART"].params["TZID"] == "Europe/London"
        ) or (not isinstance(start, datetime))
    laundry = next(e for e in cal.walk("VEVENT") if e["SUMMARY"] == "Laundry")
    assert not isinstance(laundry["DTSTART"].dt, datetime)
    bins = next(e for e in cal.walk("VEVENT") if e["SUMMARY"] == "Bins out")
    assert bins["DTEND"].dt - bins["DTSTART"].dt == timedelta(minutes=15)  # effort, at least 15
    assert "draft plan" in str(bins["DESCRIPTION"])


def test_untimed_things_can_come_as_one_list_a_day(app, client, make):
    home = make("Alex", "Sam")
    week = seed(app, home)
    with committing(app):
        add_plan_item(home, week, "Water the plants", 0, [week + timedelta(days=4)])
    login(client, home.emails[0])
    url = path_of(new_feed_url(client))
    before = client.get(url)
    titles = [str(e["SUMMARY"]) for e in parse(before).walk("VEVENT")]
    assert "Laundry" in titles and "Water the plants" in titles
    assert client.post("/feeds/day-list", data={"day_list": "y"}).status_code == 302
    assert '<input checked id="day_list" name="day_list"' in body(client.get("/feeds"))
    after = client.get(url)
    assert after.headers["ETag"] != before.headers["ETag"]  # built afresh
    events = {str(e["SUMMARY"]): e for e in parse(after).walk("VEVENT")}
    day = events["Today's list (2)"]
    assert str(day["DESCRIPTION"]) == "• Laundry\n• Water the plants"
    assert day["DTSTART"].dt == week + timedelta(days=4)  # an all-day date
    assert "Laundry" not in events and "Water the plants" not in events
    assert "Bins out" in events and "Run" in events  # timed things stay as they are
    # Sam's feed is Sam's choice; the household feed is never folded.
    page = body(client.post("/feeds/links", data={"feed": "household"}, follow_redirects=True))
    everything = re.search(r'id="household-https" type="text" readonly value="([^"]+)"', page)
    household = parse(client.get(path_of(everything.group(1))))
    assert any(str(e["SUMMARY"]).startswith("Laundry") for e in household.walk("VEVENT"))
    # And back again.
    assert client.post("/feeds/day-list", data={}).status_code == 302
    back = {str(e["SUMMARY"]) for e in parse(client.get(url)).walk("VEVENT")}
    assert "Laundry" in back and not any(t.startswith("Today's list") for t in back)


def test_household_feed_has_everything(app, client, make):
    home = make("Alex", "Sam")
    seed(app, home)
    login(client, home.emails[1])
    url = new_feed_url(client, "household")
    text = app.test_client().get(path_of(url)).get_data(as_text=True)
    for expected in (
        "Bins out (Alex)",
        "Cook Friday dinner (Sam)",
        "Alex's time: Run",
        "Sam's time: Pottery",
    ):
        assert expected in icalendar.Calendar.from_ical(text).to_ical().decode().replace(
            "\r\n ", ""
        )


def test_uids_and_bytes_are_stable_across_requests(app, client, make):
    home = make()
    seed(app, home)
    login(client, home.emails[0])
    path = path_of(new_feed_url(client))
    first = app.test_client().get(path).data
    with committing(app):  # built again, as by another process, it is the same bytes
        db.session.execute(db.delete(FeedCache))
    second = app.test_client().get(path).data
    assert first == second
    uids = [str(e["UID"]) for e in icalendar.Calendar.from_ical(first).walk("VEVENT")]
    assert len(uids) == len(set(uids)) and all(u.endswith("@planner.test") for u in uids)


def test_sequence_grows_after_a_change_and_etag_changes(app, client, make):
    home = make()
    week = seed(app, home)
    login(client, home.emails[0])
    path = path_of(new_feed_url(client))
    before = app.test_client().get(path)
    run = next(e for e in parse(before).walk("VEVENT") if e["SUMMARY"] == "Run")
    with committing(app):
        slot_id = db.session.query(selfcare.SelfCareSlot).filter_by(title="Run").one().id
    client.post(
        f"/selfcare/slots/{slot_id}/weeks/{week + timedelta(weeks=1)}", data={"action": "skip"}
    )
    after = app.test_client().get(path)
    run_after = next(e for e in parse(after).walk("VEVENT") if e["SUMMARY"] == "Run")
    assert run_after["SEQUENCE"] > run["SEQUENCE"]
    assert "EXDATE" in run_after and run["UID"] == run_after["UID"]
    assert after.headers["ETag"] != before.headers["ETag"]


def test_matching_etag_answers_304_without_building(app, client, make, monkeypatch):
    home = make()
    seed(app, home)
    login(client, home.emails[0])
    path = path_of(new_feed_url(client))
    builds = []
    real = feed_services.build_feed
    monkeypatch.setattr(
        feed_services, "build_feed", lambda *a, **k: builds.append(1) or real(*a, **k)
    )
    first = app.test_client().get(path)
    etag = first.headers["ETag"]
    again = app.test_client().get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    app.test_client().get(path)
    assert len(builds) == 1  # cached until the household changes
    with committing(app):
        db.session.get(Household, home.household_id).name = "Renamed home"
    changed = app.test_client().get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and len(builds) == 2


def test_reset_token_makes_old_url_404_at_once(app, client, make):
    home = make()
    login(client, home.emails[0])
    old = path_of(new_feed_url(client))
    assert app.test_client().get(old).status_code == 200
    new = path_of(new_feed_url(client))
    assert new != old
    assert app.test_client().get(old).status_code == 404
    assert app.test_client().get(new).status_code == 200
    with committing(app):
        (row,) = db.session.query(FeedToken).all()
        assert len(row.token_hash) == 64 and new.split("/")[-1][:-4] not in row.token_hash


def test_unknown_and_silly_tokens_are_404(app, client):
    for token in ("nope", "x" * 500, "%00"):
        response = client.get(f"/feeds/{token}.ics")
        assert response.status_code == 404 and "Set-Cookie" not in response.headers


def test_another_households_token_shows_nothing_of_this_one(app, client, make):
    home, other = make("Alex", "Sam"), make("Kim", "Lee")
    seed(app, home)
    with committing(app):
        add_slot(other, 0, "Swim", 3, time(7), 45)
    login(client, other.emails[0])
    for which in ("member", "household"):
        text = app.test_client().get(path_of(new_feed_url(client, which))).get_data(as_text=True)
        for secret in ("Run", "Pottery", "Bins out", "Laundry", "Alex", "Sam", "Cook Friday"):
            assert secret not in text


def test_feeds_page_and_bad_input(app, client, make):
    home = make()
    login(client, home.emails[0])
    page = client.get("/feeds")
    assert page.status_code == 200 and "Make my address" in body(page)
    assert client.post("/feeds/links", data={"feed": "everyone"}).status_code == 422
    made = client.post("/feeds/links", data={"feed": "member"})
    assert made.status_code == 302  # POST, then redirect: a reload never makes another address
    page = body(client.get("/feeds"))
    assert "webcal://planner.test/feeds/" in page and "<svg" in page and "data-copy-target" in page
    url = re.search(r'value="(http://planner\.test/feeds/[^"]+\.ics)"', page).group(1)
    assert url in body(client.get("/feeds"))  # the same address is shown again later
    # One tap subscribes this phone; Google Calendar gets the address to subscribe itself.
    webcal = "webcal://" + url.removeprefix("http://")
    assert f'<a class="button primary" href="{webcal}">Subscribe on this device</a>' in page
    google = "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe="")
    assert f'href="{google}"' in page
    assert "/feeds" in body(client.get("/profile"))


def expand(ics: bytes, start: datetime, end: datetime, summary: str):
    cal = icalendar.Calendar.from_ical(ics)
    found = recurring_ical_events.of(cal).between(start, end)
    return sorted(e["DTSTART"].dt for e in found if str(e["SUMMARY"]) == summary)


@pytest.mark.parametrize(
    ("zone", "first", "weeks"),
    [
        ("Europe/Berlin", date(2026, 3, 16), 4),  # clocks go forward 29 March
        ("Europe/Berlin", date(2026, 10, 12), 4),  # clocks go back 25 October
        ("America/New_York", date(2026, 3, 2), 3),  # clocks go forward 8 March
    ],
)
def test_selfcare_series_expands_correctly_across_dst(app, make, zone, first, weeks):
    home = make("Alex", "Sam", timezone=zone)
    tz = ZoneInfo(zone)
    with committing(app):
        household = db.session.get(Household, home.household_id)
        created = datetime.combine(first, time(9), tz).astimezone(UTC)
        slot = add_slot(home, 0, "Run", 1, time(18, 30), 60, created=created)
        week_start = week_start_for_household(household, first)
        # Week 2 skipped, week 3 moved to Thursday 07:00.
        selfcare.skip_week(slot, week_start + timedelta(weeks=1))
        thursday = week_start + timedelta(weeks=2, days=3)
        selfcare.move_week(
            slot, week_start + timedelta(weeks=2), local_to_utc(thursday, time(7), tz)
        )
        ics = build_feed(household, home.member_ids[0], week_start)
    starts = expand(
        ics,
        datetime.combine(first, time(), tz),
        datetime.combine(first + timedelta(weeks=weeks), time(), tz),
        "Run",
    )
    tuesdays = [week_start + timedelta(days=1 + 7 * n) for n in range(weeks)]
    expected = [
        datetime.combine(tuesdays[0], time(18, 30), tz),
        datetime.combine(thursday, time(7), tz),
    ]
    expected += [datetime.combine(d, time(18, 30), tz) for d in tuesdays[3:]]
    assert [s.astimezone(UTC) for s in starts] == [e.astimezone(UTC) for e in expected]
    assert all(s.astimezone(tz).time() in (time(18, 30), time(7)) for s in starts)
    offsets = {s.astimezone(tz).utcoffset() for s in starts}
    assert len(offsets) == 2  # the series really crosses the clock change


def test_planning_session_and_timed_work_across_dst(app, make):
    home = make("Alex", "Sam", timezone="Europe/Berlin")
    tz = ZoneInfo("Europe/Berlin")
    week = date(2026, 3, 23)  # Monday; clocks change on Sunday 29 March
    with committing(app):
        household = db.session.get(Household, home.household_id)
        household.created_at = datetime(2026, 3, 1, tzinfo=UTC)
        db.session.commit()
        days = [week + timedelta(days=n) for n in range(7)] + [week + timedelta(days=7)]
        add_plan_item(
            home,
            week,
            "School run",
            0,
            days[:7],
            at=lambda d: local_to_utc(d, time(8), tz),
            effort=20,
        )
        add_plan_item(
            home,
            week + timedelta(weeks=1),
            "School run",
            0,
            days[7:],
            at=lambda d: local_to_utc(d, time(8), tz),
            effort=20,
        )
        ics = build_feed(household, home.member_ids[0], week)
    window = (datetime(2026, 3, 23, tzinfo=tz), datetime(2026, 4, 6, tzinfo=tz))
    school = expand(ics, *window, "School run")
    assert [s.astimezone(tz).time() for s in school] == [time(8)] * 8
    sessions = expand(ics, *window, "Weekly planning session")
    assert [s.astimezone(tz) for s in sessions] == [
        datetime(2026, 3, 29, 19, tzinfo=tz),
        datetime(2026, 4, 5, 19, tzinfo=tz),
    ]
    assert {s.astimezone(tz).utcoffset() for s in sessions} == {timedelta(hours=2)}


def test_cached_feed_request_is_one_query_and_no_session(app, client, make):
    from sqlalchemy import event

    home = make()
    seed(app, home)
    login(client, home.emails[0])
    path = path_of(new_feed_url(client))
    anonymous = app.test_client()
    anonymous.get(path)  # builds and caches
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with committing(app):
        from planner.extensions import db as database

        engine = database.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = anonymous.get(path)
        not_modified = anonymous.get(path, headers={"If-None-Match": response.headers["ETag"]})
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200 and not_modified.status_code == 304
    assert len(statements) == 2 and all("feed_token" in s for s in statements)
    assert "Set-Cookie" not in response.headers and "Set-Cookie" not in not_modified.headers


def test_a_leaked_database_reveals_no_feed_address(app, client, make):
    from planner.models import FeedToken

    home = make()
    login(client, home.emails[0])
    url = new_feed_url(client)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    with committing(app):
        row = db.session.scalars(db.select(FeedToken)).one()
        stored = " ".join(str(v) for v in (row.token_hash, row.nonce))
    assert token not in stored and len(token) >= 43  # 256 bits, not stored as such
    # The nonce alone is no use: without this SECRET_KEY it yields another token.
    saved = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "another-secret-key-" + "y" * 40
    try:
        with committing(app):
            assert feed_services._token(row.nonce) != token
    finally:
        app.config["SECRET_KEY"] = saved
    with committing(app):
        assert feed_services._token(row.nonce) == token
