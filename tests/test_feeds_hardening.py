"""Feeds and dates, hardened: bounded dates, one rule for self-care exceptions across
settings changes, daylight-saving gaps as other calendar engines read them, VTIMEZONE
coverage, escaped names and HTTP validators."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
import time_machine
import vobject
from ical.calendar_stream import IcsCalendarStream
from sqlalchemy import select

from planner.domain.ical import FeedEvent, build_calendar
from planner.domain.vocabulary import SelfCareOutcome, SelfCareStatus
from planner.domain.week import local_to_utc
from planner.extensions import db
from planner.feeds.builder import build_feed
from planner.inventory import services as inventory
from planner.models import Household, Responsibility, SelfCareWeek
from planner.reminders.schedule import occurrences
from planner.selfcare import services as selfcare
from tests.helpers import body, committing, login
from tests.selfcare_helpers import add_plan_item, add_slot

LONDON = ZoneInfo("Europe/London")
BERLIN = ZoneInfo("Europe/Berlin")
# A Tuesday, so every date below is worked out from a known today.
TODAY = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
SETTINGS = {
    "name": "Home",
    "timezone": "Europe/London",
    "week_start": 0,
    "planning_weekday": 6,
    "planning_time": "19:00",
    "planning_minutes": 30,
}


def feed_path(client, which="member") -> str:
    page = body(client.post("/feeds/links", data={"feed": which}, follow_redirects=True))
    url = re.search(r'value="(http://planner\.test/feeds/[^"]+\.ics)"', page).group(1)
    return url.removeprefix("http://planner.test")


def starts(ics: bytes, summary: str, first: datetime, last: datetime) -> list[datetime]:
    """Where recurring-ical-events puts the occurrences of one event (as UTC instants)."""
    found = recurring_ical_events.of(icalendar.Calendar.from_ical(ics)).between(first, last)
    return sorted(e["DTSTART"].dt.astimezone(UTC) for e in found if str(e["SUMMARY"]) == summary)


def rows(app, slot_id: int) -> list[SelfCareWeek]:
    with committing(app):
        return list(
            db.session.scalars(
                select(SelfCareWeek).where(SelfCareWeek.slot_id == slot_id).order_by("id")
            )
        )


# --- 9. Dates a member can reach are bounded; feeds survive any stored date ---------------


def test_weeks_outside_the_five_year_window_are_404_and_change_nothing(app, client, make):
    with time_machine.travel(TODAY, tick=False):
        home = make()
        with committing(app):
            slot_id = add_slot(home, 0, "Run", 1, time(18, 30), 60).id
        login(client, home.emails[0])
        path = feed_path(client, "household")
        for week in ("9995-01-02", "2032-01-05", "2020-12-21", "0001-01-01", "9999-12-31"):
            assert client.get(f"/week/{week}").status_code == 404, week
            assert client.get(f"/selfcare?week={week}").status_code == 404, week
            action = client.post(f"/selfcare/slots/{slot_id}/weeks/{week}", data={"action": "skip"})
            assert action.status_code == 404, week
            moved = client.post(
                f"/selfcare/slots/{slot_id}/weeks/{week}/reschedule",
                data={"day": week, "time": "07:00"},
            )
            assert moved.status_code == 404, week
            assert client.post(f"/week/{week}/items", data={"title": "x"}).status_code == 404
        assert rows(app, slot_id) == []
        assert app.test_client().get(path).status_code == 200
        # The window's edges: every week holding a day of 2021 … 2031 is there.
        assert client.get("/selfcare?week=2031-12-29").status_code == 200
        assert client.get("/selfcare?week=2021-01-01").status_code == 200
        first = client.get("/week/2021-01-01")  # its week starts on 28 December 2020
        assert first.status_code == 302 and first.headers["Location"].endswith("/2020-12-28")
        assert client.get("/week/2020-12-28").status_code == 200


def test_feeds_survive_far_off_exceptions_stored_before_the_window(app, client, make):
    with time_machine.travel(TODAY, tick=False):
        home = make()
        with committing(app):
            household = db.session.get(Household, home.household_id)
            slot = add_slot(home, 0, "Run", 1, time(18, 30), 60)
            next_week = date(2026, 11, 30)
            selfcare.skip_week(slot, next_week)
            for week, status, moved in (
                (date(9995, 1, 2), SelfCareStatus.SKIPPED_AHEAD, None),
                (date(9999, 12, 31), SelfCareStatus.SKIPPED_AHEAD, None),
                (date(9999, 12, 27), SelfCareStatus.MOVED, datetime(9999, 12, 31, 22, tzinfo=UTC)),
                (date(2027, 1, 4), SelfCareStatus.MOVED, datetime(9998, 1, 1, tzinfo=UTC)),
            ):
                db.session.add(
                    SelfCareWeek(
                        household_id=home.household_id,
                        slot_id=slot.id,
                        week_start=week,
                        original_start=datetime(week.year, week.month, week.day, tzinfo=UTC),
                        status=status,
                        moved_start=moved,
                    )
                )
        login(client, home.emails[0])
        for which in ("member", "household"):
            response = app.test_client().get(feed_path(client, which))
            assert response.status_code == 200
            (run,) = [
                e
                for e in icalendar.Calendar.from_ical(response.data).walk("VEVENT")
                if "Run" in str(e["SUMMARY"])
            ]
            exdates = [d.dt for x in [run["EXDATE"]] for d in x.dts]
            assert exdates == [datetime(2026, 12, 1, 18, 30, tzinfo=LONDON)]
            assert b"9995" not in response.data and b"9998" not in response.data
        assert client.get("/selfcare").status_code == 200
        assert settings(client, timezone="Europe/Berlin", week_start=6).status_code == 302
        assert app.test_client().get(feed_path(client)).status_code == 200
        with committing(app):
            household = db.session.get(Household, home.household_id)
            assert selfcare.keep_rates(household)[home.member_ids[0]]
            assert occurrences(household, TODAY, TODAY + timedelta(days=30))


def test_the_calendar_builder_takes_any_date_without_falling_off_the_calendar():
    start = datetime(2026, 3, 17, 7, tzinfo=BERLIN)
    event = FeedEvent(
        "a@planner",
        "Run",
        start,
        start + timedelta(hours=1),
        rrule="FREQ=WEEKLY",
        exdates=(datetime(9999, 12, 28, 7, tzinfo=BERLIN), datetime(9995, 1, 3, 7, tzinfo=BERLIN)),
    )
    data = build_calendar("Sam", "Europe/Berlin", [event], dtstamp=start)
    (zone,) = icalendar.Calendar.from_ical(data).timezones
    assert len(data) < 20_000  # decades of observances at most, not eight thousand years


def test_a_start_date_outside_the_window_is_a_form_error(app, client, make):
    with time_machine.travel(TODAY, tick=False):
        home = make("Alex", "Sam")
        login(client, home.emails[0])
        with committing(app):
            household = db.session.get(Household, home.household_id)
            area = str(inventory.ensure_areas(household)[0].id)
        data = {
            "title": "Dishes",
            "area_id": area,
            "cadence_kind": "weekly",
            "weekdays": ["0"],
            "month_day": "1",
            "effort_minutes": "20",
            "mental_load_minutes": "10",
            "default_owner_id": "0",
        }
        for bad in ("9995-01-01", "0001-01-01", "2020-12-31", "2032-01-01"):
            response = client.post("/inventory/new", data={**data, "starts_on": bad})
            assert response.status_code == 422, bad
            assert "Pick a day between 1 Jan 2021 and 31 Dec 2031." in body(response), bad
        with committing(app):
            assert db.session.scalars(select(Responsibility)).all() == []
        good = client.post("/inventory/new", data={**data, "starts_on": "2021-01-01"})
        assert good.status_code == 302


# --- 10. Feeds, pages and reminders read stored exceptions by one rule -------------------


def settings(client, **changes):
    return client.post("/household", data={**SETTINGS, **changes})


def test_a_new_time_zone_keeps_skips_and_moves_everywhere(app, client, make):
    with time_machine.travel(datetime(2026, 6, 1, 8, tzinfo=UTC), tick=False):
        home = make("Alex", "Sam")
        with committing(app):
            slot = add_slot(
                home, 0, "Run", 1, time(18, 30), 60, created=datetime(2026, 5, 1, tzinfo=UTC)
            )
            skipped, moved = date(2026, 6, 8), date(2026, 6, 15)
            selfcare.skip_week(slot, skipped)
            thursday = local_to_utc(date(2026, 6, 18), time(7), LONDON)
            selfcare.move_week(slot, moved, thursday)
        login(client, home.emails[0])
        path = feed_path(client)
        assert settings(client, timezone="Europe/Berlin").status_code == 302

        ics = app.test_client().get(path).data
        window = (datetime(2026, 6, 8, tzinfo=UTC), datetime(2026, 6, 22, tzinfo=UTC))
        # Skipped on the 9th, moved from the 16th to Thursday at 07:00 (wall time kept).
        assert starts(ics, "Run", *window) == [datetime(2026, 6, 18, 7, tzinfo=BERLIN)]
        with committing(app):
            household = db.session.get(Household, home.household_id)
            (week1,) = selfcare.week_slots(household, skipped)
            (week2,) = selfcare.week_slots(household, moved)
            reminded = [o.start for o in occurrences(household, *window) if o.slot is not None]
            stored = {r.week_start: r for r in db.session.scalars(select(SelfCareWeek))}
        assert week1.status == SelfCareStatus.SKIPPED_AHEAD
        assert week2.status == SelfCareStatus.MOVED
        assert week2.start_utc == datetime(2026, 6, 18, 7, tzinfo=BERLIN)
        assert reminded == [datetime(2026, 6, 18, 7, tzinfo=BERLIN)]
        # The stored exceptions follow the new zone: the wall times stay, the instants move.
        assert stored[skipped].original_start == datetime(2026, 6, 9, 18, 30, tzinfo=BERLIN)
        assert stored[moved].original_start == datetime(2026, 6, 16, 18, 30, tzinfo=BERLIN)


def test_a_new_week_start_keeps_skips_outcomes_and_rates_everywhere(app, client, make):
    with time_machine.travel(datetime(2026, 6, 1, 8, tzinfo=UTC), tick=False):
        home = make("Alex", "Sam")
        with committing(app):
            # Sundays at 10:00; weeks start on Monday.
            slot = add_slot(
                home, 0, "Swim", 6, time(10), 60, created=datetime(2026, 5, 1, tzinfo=UTC)
            )
            selfcare.skip_week(slot, date(2026, 6, 8))  # Sunday 14 June
            selfcare.mark_outcome(slot, date(2026, 5, 18), SelfCareOutcome.KEPT)  # 24 May
        login(client, home.emails[0])
        path = feed_path(client)
        assert settings(client, week_start=6).status_code == 302  # weeks start on Sunday

        with committing(app):
            household = db.session.get(Household, home.household_id)
            (coming,) = selfcare.week_slots(household, date(2026, 6, 14))
            (past,) = selfcare.week_slots(household, date(2026, 5, 24))
            rates = selfcare.keep_rates(household, weeks=2)[home.member_ids[0]]
            window = (datetime(2026, 6, 13, tzinfo=UTC), datetime(2026, 6, 16, tzinfo=UTC))
            reminded = [o for o in occurrences(household, *window) if o.slot is not None]
        assert coming.status == SelfCareStatus.SKIPPED_AHEAD
        assert past.outcome == SelfCareOutcome.KEPT
        assert rates == [(date(2026, 5, 17), 0, 1), (date(2026, 5, 24), 1, 1)]
        assert reminded == []
        ics = app.test_client().get(path).data
        june = (datetime(2026, 6, 6, tzinfo=UTC), datetime(2026, 6, 23, tzinfo=UTC))
        assert starts(ics, "Swim", *june) == [
            datetime(2026, 6, 7, 10, tzinfo=LONDON),
            datetime(2026, 6, 21, 10, tzinfo=LONDON),
        ]
        page = body(client.get("/selfcare?week=2026-06-14"))
        assert SelfCareStatus.SKIPPED_AHEAD.label in page
        # The coming week's row now names the new week; the past one stays as stored and
        # is still found: taking its mark back changes that row, no second one is made.
        assert {r.week_start for r in rows(app, slot.id)} == {date(2026, 5, 18), date(2026, 6, 14)}
        undo = client.post(f"/selfcare/slots/{slot.id}/weeks/2026-05-24", data={"action": "undo"})
        assert undo.status_code == 302
        assert [r.outcome for r in rows(app, slot.id)] == [None, None]
        assert len(rows(app, slot.id)) == 2


def expand_ical(ics: bytes, zone: ZoneInfo, first: date, last: date) -> list[tuple[str, datetime]]:
    """Home Assistant's `ical`: its own expansion of the feed."""
    calendar = IcsCalendarStream.calendar_from_ics(ics.decode())
    return [(e.summary, e.start) for e in calendar.timeline_tz(zone).included(first, last)]


def expand_vobject(ics: bytes, zone: ZoneInfo, first: date, last: date):
    """vobject's rruleset, with overrides matched by RECURRENCE-ID as a client does."""
    found = []
    begin, end = datetime.combine(first, time(), zone), datetime.combine(last, time(), zone)
    by_uid: dict[str, list] = {}
    for event in vobject.readOne(ics.decode()).vevent_list:
        by_uid.setdefault(event.uid.value, []).append(event)
    for events in by_uid.values():
        (master,) = [e for e in events if not hasattr(e, "recurrence_id")]
        moved = [e for e in events if hasattr(e, "recurrence_id")]
        replaced = {e.recurrence_id.value for e in moved}
        summary = master.summary.value
        if hasattr(master, "rrule"):
            for start in master.getrruleset().between(begin, end, inc=True):
                if start not in replaced:
                    found.append((summary, start))
        found += [(summary, e.dtstart.value) for e in moved if begin <= e.dtstart.value < end]
    return found


@pytest.mark.parametrize(
    ("zone", "gap_day"),
    [
        pytest.param("Europe/Berlin", date(2026, 3, 29), id="berlin"),
        pytest.param("America/New_York", date(2026, 3, 8), id="new-york"),
    ],
)
def test_a_skip_or_move_in_a_daylight_saving_gap_is_matched_by_every_engine(
    app, make, zone, gap_day
):
    tz = ZoneInfo(zone)
    with time_machine.travel(datetime(2026, 2, 20, 12, tzinfo=UTC), tick=False):
        home = make("Alex", "Sam", timezone=zone)
        with committing(app):
            household = db.session.get(Household, home.household_id)
            created = datetime(2026, 2, 1, tzinfo=UTC)
            swim = add_slot(home, 0, "Night swim", 6, time(2, 30), 60, created=created)
            walk = add_slot(home, 0, "Dawn walk", 6, time(2, 15), 30, created=created)
            week = gap_day - timedelta(days=6)  # Monday
            selfcare.skip_week(swim, week)
            new_time = local_to_utc(gap_day, time(10), tz)
            selfcare.move_week(walk, week, new_time)
            ics = build_feed(household, home.member_ids[0], week)
    first, last = gap_day - timedelta(days=14), gap_day + timedelta(days=14)
    for engine in (expand_ical, expand_vobject):
        seen = engine(ics, tz, first, last)
        swims = sorted(s.astimezone(tz).date() for name, s in seen if name == "Night swim")
        walks = sorted(s.astimezone(UTC) for name, s in seen if name == "Dawn walk")
        assert gap_day not in swims, engine.__name__
        assert len(swims) == 3, engine.__name__  # two Sundays before, one after
        on_gap_day = [w for w in walks if w.astimezone(tz).date() == gap_day]
        assert on_gap_day == [new_time], engine.__name__
        assert len(walks) == 4, engine.__name__
    lines = ics.decode().replace("\r\n ", "").splitlines()
    assert f"EXDATE;TZID={zone}:{gap_day:%Y%m%d}T023000" in lines
    assert f"RECURRENCE-ID;TZID={zone}:{gap_day:%Y%m%d}T021500" in lines


def test_the_vtimezone_covers_five_years_from_today_whatever_the_events(app, make):
    with time_machine.travel(TODAY, tick=False):
        home = make("Alex", timezone="Europe/Berlin")
        with committing(app):
            household = db.session.get(Household, home.household_id)
            household.created_at = datetime(2022, 2, 1, tzinfo=UTC)  # only old events
            db.session.flush()
            ics = build_feed(household, home.member_ids[0])
    (component,) = icalendar.Calendar.from_ical(ics).timezones
    from_feed = component.to_tz(lookup_tzid=False)
    day = TODAY
    while day < TODAY + timedelta(days=5 * 366):
        assert day.astimezone(from_feed).utcoffset() == day.astimezone(BERLIN).utcoffset(), day
        day += timedelta(days=5)


def test_calendar_names_are_escaped_text(app, make):
    home = make("Alex", name="Demo; Müller, \\ family")
    with committing(app):
        household = db.session.get(Household, home.household_id)
        ics = build_feed(household, None)
    read = vobject.readOne(ics.decode())
    assert read.x_wr_calname.value == "Planner · Demo; Müller, \\ family"
    assert read.contents["name"][0].value == "Planner · Demo; Müller, \\ family"
    (name,) = IcsCalendarStream.calendar_from_ics(ics.decode()).name
    assert name == "Planner · Demo; Müller, \\ family"


# --- 10. HTTP validators ------------------------------------------------------------------


def test_weak_etags_and_last_modified(app, client, make):
    with time_machine.travel(TODAY, tick=False) as traveller:
        home = make()
        login(client, home.emails[0])
        path = feed_path(client)
        reader = app.test_client()
        first = reader.get(path)
        etag = first.headers["ETag"]
        assert etag.startswith('W/"')  # one ETag for every encoding of the same bytes
        strong = etag.removeprefix("W/")  # as sent before feeds were compressed
        again = reader.get(path, headers={"If-None-Match": strong})
        assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
        listed = reader.get(path, headers={"If-None-Match": f'"other", {etag}'})
        assert listed.status_code == 304
        modified = first.headers.get("Last-Modified")
        assert first.status_code == 200 and modified == "Tue, 24 Nov 2026 12:00:00 GMT"
        same = reader.get(path, headers={"If-Modified-Since": modified})
        assert same.status_code == 304 and same.headers["ETag"] == etag
        # If-None-Match decides alone when it is sent (RFC 9110 13.2.2).
        other = reader.get(
            path, headers={"If-None-Match": '"other"', "If-Modified-Since": modified}
        )
        assert other.status_code == 200 and other.data == first.data

        traveller.shift(timedelta(minutes=5))
        with committing(app):
            db.session.get(Household, home.household_id).name = "Renamed"
        changed = reader.get(path, headers={"If-Modified-Since": modified})
        assert changed.status_code == 200
        assert changed.headers["Last-Modified"] == "Tue, 24 Nov 2026 12:05:00 GMT"
        assert reader.get(path, headers={"If-None-Match": etag}).status_code == 200


def test_the_etag_and_cache_follow_the_week(app, client, make):
    sunday = datetime(2026, 11, 29, 20, tzinfo=UTC)
    with time_machine.travel(sunday, tick=False) as traveller:
        home = make()
        with committing(app):
            next_week, after = date(2026, 11, 30), date(2026, 12, 7)
            add_plan_item(home, next_week, "Cook", 0, [next_week + timedelta(days=2)])
            add_plan_item(home, after, "Bake", 0, [after + timedelta(days=2)])
        login(client, home.emails[0])
        path = feed_path(client)
        reader = app.test_client()
        before = reader.get(path)
        assert b"Cook" in before.data and b"Bake" not in before.data
        assert (
            reader.get(path, headers={"If-None-Match": before.headers["ETag"]}).status_code == 304
        )

        traveller.move_to(datetime(2026, 11, 30, 8, tzinfo=UTC))  # Monday of the next week
        monday = reader.get(path, headers={"If-None-Match": before.headers["ETag"]})
        assert monday.status_code == 200
        assert b"Bake" in monday.data and b"Cook" in monday.data
        assert monday.headers["ETag"] != before.headers["ETag"]
