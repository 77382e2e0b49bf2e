"""No household ever sees another's data on a page that LISTS it, nor in a feed.

tests/test_isolation.py proves every URL with an id answers 404 to another household; this
file covers what it can't: pages and feeds that list a household's rows without an id in
the URL (a query that forgot its household filter shows up only here). Two households are
filled with distinctive marker text in everything a page or feed can list; signed in as a
member of either, every listing shows that household's markers and none of the other's.
A new GET page fails `test_every_get_page_is_covered` until it is listed here.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine

from planner.domain.vocabulary import (
    CheckInState,
    Kindness,
    OccurrenceState,
    PlanState,
    ReminderKind,
    ReminderState,
    SelfCareOutcome,
    SelfCareStatus,
)
from planner.domain.week import local_to_utc
from planner.extensions import db
from planner.feeds import services as feed_services
from planner.models import (
    Area,
    AwayTime,
    BusyBlock,
    CalendarImport,
    CheckIn,
    FeedToken,
    Household,
    Invite,
    PlanChange,
    PlanItem,
    PlanOccurrence,
    Reminder,
    Responsibility,
    SelfCareSlot,
    SelfCareWeek,
    WeekPlan,
    utcnow,
)
from planner.session import services as session_services
from planner.tokens import hash_token
from planner.week.services import week_start_for_household
from tests.api_helpers import bearer, make_token
from tests.helpers import body, committing, login


@pytest.fixture(autouse=True)
def _a_fixed_moment():
    """Seeded rows are placed around "now": a Wednesday noon, whatever the real clock says."""
    with time_machine.travel(datetime(2026, 11, 25, 12, tzinfo=UTC), tick=True):
        yield


@dataclass
class Seeded:
    """One household filled with markers: `text[kind]` is the marker of that kind."""

    tag: str
    household_id: int
    member_ids: list[int]
    emails: list[str]
    names: list[str]
    text: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    weeks: dict[str, date] = field(default_factory=dict)
    feeds: dict[str, str] = field(default_factory=dict)  # "m0" | "m1" | "household" -> token
    busy_at: str = ""  # the busy time's local start, as pages show it ("HH:MM")

    @property
    def markers(self) -> dict[str, str]:
        """Everything of this household that must never show in another's page or feed."""
        found = dict(self.text)
        found |= {f"name{i}": n for i, n in enumerate(self.names)}
        found |= {f"email{i}": e for i, e in enumerate(self.emails)}
        found |= {f"feed-{k}": v for k, v in self.feeds.items()}
        found["busy time"] = self.busy_at
        return found


def seed(app, make, tag: str, busy_at: time) -> Seeded:
    """A household of two whose every listable thing carries `tag` (and a distinctive busy
    time, because pages show a busy time only as "<name>: busy" at its time)."""
    names = [f"{tag}ann", f"{tag}bo"]
    made = make(*names, name=f"{tag} Hearth")
    s = Seeded(tag, made.household_id, made.member_ids, made.emails, names)
    t = s.text
    t |= {
        "household": f"{tag} Hearth",
        "area": f"{tag} Orchard area",
        "area description": f"{tag} where the apples grow",
        "responsibility": f"{tag} Compost duty",
        "partner responsibility": f"{tag} Lunchboxes",
        "archived responsibility": f"{tag} Retired chore",
        "minimum standard": f"{tag} bins rinsed",
        "one-off": f"{tag} Parcel to post",
        "kindness note": f"{tag} grandma helps",
        "what would help": f"{tag} an early night",
        "appreciation": f"{tag} thanks for the soup",
        "last week item": f"{tag} Window cleaning",
        "skip reason": f"{tag} ladder broke",
        "change this week": f"{tag} swapped the bins",
        "change last week": f"{tag} took over windows",
        "slot": f"{tag} Yoga hour",
        "partner slot": f"{tag} Pottery class",
        "import": f"{tag} Work calendar",
        "import error": f"{tag} calendar went quiet",
        "partner import": f"{tag} Partner calendar",
        "busy summary": f"{tag} secret appointment",
        "reminder upcoming": f"{tag} upcoming reminder subject",
        "reminder recent": f"{tag} recent reminder subject",
        "reminder error": f"{tag} mailbox full",
        "invite": f"{tag.lower()}-invitee@example.com",
        "away": f"{tag} at the coast",
    }
    now = utcnow()
    with committing(app):
        household = db.session.get(Household, s.household_id)
        m0, m1 = household.members
        tz = household.tz
        area = Area(
            household_id=s.household_id,
            key="orchard",
            name=t["area"],
            description=t["area description"],
        )
        db.session.add(area)
        db.session.flush()
        s.ids["area"] = area.id
        for title, owner, archived in (
            (t["responsibility"], m0, None),
            (t["partner responsibility"], m1, None),
            (t["archived responsibility"], m0, now),
        ):
            db.session.add(
                Responsibility(
                    household_id=s.household_id,
                    area_id=area.id,
                    title=title,
                    rrule="FREQ=DAILY",
                    starts_on=date(2025, 1, 6),
                    effort_minutes=20,
                    mental_load_minutes=10,
                    default_owner_id=owner.id,
                    minimum_standard=t["minimum standard"] if owner is m0 else "",
                    archived_at=archived,
                )
            )
        db.session.flush()
        s.ids["responsibility"] = db.session.scalar(
            db.select(Responsibility.id).where(Responsibility.title == t["responsibility"])
        )

        # The week the session plans (made from the inventory), and the week before it.
        plan = session_services.start_session(household)
        week = plan.week_start
        s.weeks |= {"session": week, "last": week - timedelta(days=7)}
        s.weeks |= {f"session_day{n}": week + timedelta(days=n) for n in (2, 3, 5)}
        # The days the week page opens to show the one-off and last week's skip reason.
        s.weeks |= {"one_off": week + timedelta(days=3), "skipped": week - timedelta(days=6)}
        s.weeks["current"] = week_start_for_household(household)
        # What /week (this week) lists: the session's week, or the week before it.
        t["this week's item"] = t[
            "responsibility" if week == s.weeks["current"] else "last week item"
        ]
        s.ids["plan"] = plan.id
        partner_item = next(i for i in plan.items if i.title == t["partner responsibility"])
        partner_item.kindness, partner_item.kindness_note = (
            Kindness.LOWER_STANDARD,
            t["kindness note"],
        )
        one_off = PlanItem(
            household_id=s.household_id,
            week_plan_id=plan.id,
            title=t["one-off"],
            effort_minutes=15,
            owner_id=m0.id,
        )
        db.session.add(one_off)
        db.session.flush()
        db.session.add(
            PlanOccurrence(
                household_id=s.household_id,
                plan_item_id=one_off.id,
                on_date=week + timedelta(days=3),
            )
        )
        db.session.add_all(
            [
                CheckIn(
                    household_id=s.household_id,
                    week_plan_id=plan.id,
                    member_id=m0.id,
                    state=CheckInState.OKAY,
                    capacity=100,
                    what_would_help=t["what would help"],
                    appreciation=t["appreciation"],
                ),
                CheckIn(
                    household_id=s.household_id,
                    week_plan_id=plan.id,
                    member_id=m1.id,
                    state=CheckInState.IN_THE_REEDS,
                    capacity=60,
                ),
                PlanChange(
                    household_id=s.household_id,
                    week_plan_id=plan.id,
                    member_id=m0.id,
                    text=t["change this week"],
                ),
            ]
        )

        last = WeekPlan(
            household_id=s.household_id,
            week_start=s.weeks["last"],
            status=PlanState.AGREED,
            agreed_at=now - timedelta(days=8),
        )
        db.session.add(last)
        db.session.flush()
        item = PlanItem(
            household_id=s.household_id,
            week_plan_id=last.id,
            title=t["last week item"],
            effort_minutes=45,
            owner_id=m0.id,
        )
        db.session.add(item)
        db.session.flush()
        db.session.add_all(
            [
                PlanOccurrence(
                    household_id=s.household_id,
                    plan_item_id=item.id,
                    on_date=last.week_start + timedelta(days=1),
                    state=OccurrenceState.SKIPPED,
                    skip_reason=t["skip reason"],
                ),
                PlanOccurrence(
                    household_id=s.household_id,
                    plan_item_id=item.id,
                    on_date=last.week_start + timedelta(days=2),
                    state=OccurrenceState.DONE,
                    done_by_id=m1.id,
                    done_at=now - timedelta(days=6),
                ),
                PlanChange(
                    household_id=s.household_id,
                    week_plan_id=last.id,
                    member_id=m1.id,
                    text=t["change last week"],
                ),
            ]
        )

        # Self-care: one slot each, made weeks ago, one kept last week.
        slots = []
        for member, title, weekday, at in (
            (m0, t["slot"], 2, time(7, 15)),
            (m1, t["partner slot"], 5, time(10, 0)),
        ):
            slot = SelfCareSlot(
                household_id=s.household_id,
                member_id=member.id,
                title=title,
                weekday=weekday,
                start_time=at,
                minutes=60,
                created_at=now - timedelta(weeks=4),
            )
            db.session.add(slot)
            slots.append(slot)
        db.session.flush()
        s.ids["slot"] = slots[0].id
        db.session.add(
            AwayTime(
                household_id=s.household_id,
                member_id=m1.id,
                first_day=s.weeks["current"] + timedelta(days=8),
                last_day=s.weeks["current"] + timedelta(days=10),
                note=t["away"],
            )
        )
        db.session.add(
            SelfCareWeek(
                household_id=s.household_id,
                slot_id=slots[0].id,
                week_start=s.weeks["last"],
                original_start=local_to_utc(s.weeks["last"] + timedelta(days=2), time(7, 15), tz),
                status=SelfCareStatus.PLANNED,
                outcome=SelfCareOutcome.KEPT,
            )
        )

        # Calendars brought in: one each; the first with a busy time in the session week.
        mine = CalendarImport(
            household_id=s.household_id,
            member_id=m0.id,
            name=t["import"],
            last_error=t["import error"],
            last_fetched_at=now,
        )
        theirs = CalendarImport(
            household_id=s.household_id,
            member_id=m1.id,
            name=t["partner import"],
            last_fetched_at=now,
        )
        db.session.add_all([mine, theirs])
        db.session.flush()
        busy_start = local_to_utc(week + timedelta(days=2), busy_at, tz)
        db.session.add(
            BusyBlock(
                household_id=s.household_id,
                import_id=mine.id,
                member_id=m0.id,
                starts_at=busy_start,
                ends_at=busy_start + timedelta(minutes=34),
                summary=t["busy summary"],
            )
        )
        s.busy_at = busy_at.strftime("%H:%M")

        # Reminders: one coming up, one failed recently.
        for n, (subject, due, state, error) in enumerate(
            (
                (t["reminder upcoming"], now + timedelta(days=2), ReminderState.PENDING, None),
                (
                    t["reminder recent"],
                    now - timedelta(days=1),
                    ReminderState.FAILED,
                    t["reminder error"],
                ),
            )
        ):
            db.session.add(
                Reminder(
                    household_id=s.household_id,
                    member_id=m0.id,
                    kind=ReminderKind.PLANNING,
                    occurrence_key=f"{tag}-{n}",
                    due_at=due,
                    expires_at=due + timedelta(hours=6),
                    state=state,
                    attempts=2 if error else 0,
                    last_error=error,
                    message_id=f"<{tag}-{n}@planner.test>",
                    payload={"to": m0.email, "subject": subject},
                )
            )
        db.session.add(
            Invite(
                household_id=s.household_id,
                invited_by_id=m0.id,
                email=t["invite"],
                token_hash=(tag.lower() * 64)[:64],
                expires_at=now + timedelta(days=3),
            )
        )
        # Feed addresses made straight in the table (the token derived from its nonce as
        # the app does), so that only the reset under test runs the feed services.
        for key, member in (("m0", m0), ("m1", m1), ("household", None)):
            nonce = secrets.token_hex(16)
            token = feed_services._token(nonce)
            db.session.add(
                FeedToken(
                    household_id=s.household_id,
                    member_id=member.id if member else None,
                    token_hash=hash_token(token),
                    nonce=nonce,
                )
            )
            s.feeds[key] = token
    return s


@pytest.fixture
def homes(app, make) -> tuple[Seeded, Seeded]:
    """Two households, Amber and Cobalt, in the same weeks."""
    mine = seed(app, make, "Amber", time(13, 52))
    other = seed(app, make, "Cobalt", time(4, 37))
    assert mine.weeks == other.weeks  # the same weeks: a missing filter would show B's rows
    return mine, other


# Every GET page that lists a household's data: (path, what of the signed-in member's own
# household it must show). The path may name that household's ids and weeks: {plan},
# {responsibility}, {slot}, {area}, {session}, {last}, {current}, and days: {one_off},
# {skipped} (the days of the one-off and of last week's skip), {session_day2} and so on
# (days of the session's week). What it shows is keys of
# Seeded.markers (NAMES: both members' names).
NAMES = ("name0", "name1")
LISTINGS: list[tuple[str, tuple[str, ...]]] = [
    ("/home", ("household", *NAMES)),
    ("/more", ()),
    ("/checkin-again", ("away", "name1")),
    ("/household", ("household", *NAMES, "email0", "email1", "invite")),
    ("/profile", ("name0", "email0")),
    (
        "/household/export",
        ("household", *NAMES, "email0", "email1", "responsibility", "slot", "import"),
    ),
    ("/household/leave", ("household", "name1")),
    ("/household/delete", ("household", *NAMES)),
    ("/profile/delete", ("household",)),
    (
        "/inventory",
        ("area", "area description", "responsibility", "partner responsibility", *NAMES),
    ),
    ("/inventory?archived=1", ("archived responsibility", "responsibility", "area")),
    (
        "/inventory?area={area}",
        ("area", "area description", "responsibility", "partner responsibility", *NAMES),
    ),
    ("/inventory?area={area}&page=9&archived=1", ("archived responsibility", "responsibility")),
    ("/inventory/areas", ("area", "area description")),
    ("/inventory/new", ("area", *NAMES)),
    ("/inventory/{responsibility}/edit", ("responsibility", "area", *NAMES)),
    ("/inventory/starter", NAMES),
    ("/week", ("this week's item", *NAMES)),
    ("/week/{session}", ("responsibility", "partner responsibility", "kindness note", *NAMES)),
    ("/week/{session}?all=1", ("responsibility", "partner responsibility", "one-off", *NAMES)),
    ("/week/{session}?day={one_off}", ("one-off", "partner responsibility", *NAMES)),
    ("/week/{session}?mine=1&day={one_off}", ("responsibility", "one-off", "minimum standard")),
    ("/week/{last}?day={skipped}", ("last week item", "skip reason", "change last week")),
    ("/week/{last}?all=1", ("last week item", "change last week")),
    ("/selfcare", ("slot", "partner slot", *NAMES)),
    ("/selfcare?week={session}", ("slot", "partner slot")),
    ("/selfcare?week={last}", ("slot", "partner slot")),
    ("/selfcare/slots/{slot}/weeks/{session}/reschedule", ("slot",)),
    ("/reminders", ("reminder upcoming", "reminder recent", "reminder error", "name0")),
    ("/reminders/preferences", ()),
    ("/imports", ("import", "import error")),
    ("/insights", NAMES),
    ("/feeds", ("feed-m0", "feed-household")),
    ("/session", NAMES),
    ("/session/{plan}", NAMES),
    ("/session/{plan}/appreciate", ("appreciation", *NAMES)),
    ("/session/{plan}/checkin", ("what would help", *NAMES)),
    ("/session/{plan}/look-back", ("last week item", "skip reason", "change last week", *NAMES)),
    # One day at a time: the day of the slot and the busy time, of the one-off, of the
    # partner's slot.
    (
        "/session/{plan}/look-ahead?day={session_day2}",
        ("responsibility", "slot", "busy time", *NAMES),
    ),
    ("/session/{plan}/look-ahead?day={session_day3}", ("one-off", *NAMES)),
    ("/session/{plan}/look-ahead?day={session_day5}", ("partner slot", *NAMES)),
    ("/session/{plan}/rebalance", NAMES),
    ("/session/{plan}/owners", ("responsibility", "partner responsibility", *NAMES)),
    ("/session/{plan}/kindness", ("kindness note", *NAMES)),
    ("/session/{plan}/selfcare", ("slot", "partner slot", "name1")),
    ("/session/{plan}/agree", ("responsibility", *NAMES)),
    ("/session/{plan}/version", ()),
    ("/profile/tokens", ()),
    # The API, read with a token of the member's (never the cookie).
    ("/api/v1/household", ("household", *NAMES)),
    ("/api/v1/today", ()),
    ("/api/v1/week", ("this week's item",)),
    ("/api/v1/week?week={session}", ("responsibility", "partner responsibility", "one-off")),
    ("/api/v1/week?week={last}", ("last week item", "skip reason")),
    ("/api/v1/checkins?week={session}", ("what would help",)),
    ("/api/v1/selfcare", ("slot", "partner slot")),
    ("/api/v1/selfcare?week={last}", ("slot", "partner slot")),
    ("/api/v1/responsibilities", ("responsibility", "partner responsibility", "area")),
    ("/api/v1/responsibilities?archived=true", ("archived responsibility", "responsibility")),
    ("/api/v1/responsibilities/{responsibility}", ("responsibility", "area")),
]

# GET pages that list nothing of a household, and why.
NOT_LISTINGS = {
    "static": "public files",
    "auth.index": "redirects to the home page",
    "auth.login": "sign-in form",
    "auth.signup": "sign-up form",
    "auth.request_reset": "reset request form",
    "auth.reset_password": "a signed reset token (tested in test_auth)",
    "auth.join": "an invite token (tested in test_auth)",
    "reminders.slot_link": "a signed one-click link (tested in test_reminders)",
    "feeds.feed": "the feeds themselves: the feed tests below",
    "selfcare.edit": "one slot of one's own (test_isolation)",
    "push.key": "the app's public VAPID key, the same for everyone (test_push)",
    "pwa.service_worker": "the service worker script, the same for everyone (test_pwa)",
    "pwa.manifest": "the web app manifest, the same for everyone (test_pwa)",
    "pwa.offline": "the offline page, the same for everyone (test_pwa)",
    "today.version": "whether the signed-in member's own Today changed; no data (test_today)",
    "week.skip_page": "one day of one's own household (test_isolation)",
    "week.ask_page": "one day of one's own household (test_isolation)",
    "ownership.restore": "the upload form; shows nothing of a household (test_household_data)",
    "api.occurrence": "one day of one's own household (test_api_isolation)",
    "api.openapi": "the API's description, the same for everyone (test_api)",
    "api.docs": "the API's documentation page, the same for everyone (test_api)",
}


# What a page shows only to the member it belongs to, not even to their partner.
OWN_ONLY = {
    "/profile": ("name1", "email1"),
    "/imports": ("partner import",),
    "/feeds": ("feed-m1",),
}


def fill(path: str, home: Seeded) -> str:
    return path.format(**home.ids, **{k: v.isoformat() for k, v in home.weeks.items()})


def test_every_get_page_is_covered(app):
    adapter = app.url_map.bind("planner.test")
    covered = {adapter.match(p.split("?")[0], method="GET")[0] for p, _ in _example_paths()}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in NOT_LISTINGS:
            continue
        assert rule.endpoint in covered, (
            f"GET {rule.rule} is neither in LISTINGS nor in NOT_LISTINGS: add it"
        )


def _example_paths():
    ids = {"plan": 1, "responsibility": 1, "slot": 1, "area": 1}
    weeks = {k: "2026-11-23" for k in ("session", "last", "current", "one_off", "skipped")}
    weeks |= {f"session_day{n}": f"2026-11-2{3 + n}" for n in (2, 3, 5)}
    return [(p.format(**ids, **weeks), shown) for p, shown in LISTINGS]


@pytest.mark.parametrize(("path", "shown"), LISTINGS, ids=[p for p, _ in LISTINGS])
def test_listing_shows_only_the_households_own(app, homes, path, shown):
    # Both ways round: a query that takes "the first row" whatever its household would
    # pass for whichever household made its rows first.
    for mine, other in (homes, homes[::-1]):
        client = app.test_client()
        login(client, mine.emails[0])
        url = fill(path, mine)
        api = path.startswith("/api/")
        response = client.get(
            url, headers=bearer(make_token(app, mine.member_ids[0])) if api else {}
        )
        assert response.status_code == 200, f"GET {url} answered {response.status_code}"
        page = body(response)
        missing = [k for k in shown if mine.markers[k] not in page]
        assert not missing, f"{url} doesn't show {mine.tag}'s {missing}"
        leaked = {k: v for k, v in other.markers.items() if v.lower() in page.lower()}
        assert not leaked, f"{url} shows {other.tag}'s {leaked}"
        assert other.tag.lower() not in page.lower()
        partners = [k for k in OWN_ONLY.get(path, ()) if mine.markers[k] in page]
        assert not partners, f"{url} shows the partner's own {partners}"


# -- feeds -------------------------------------------------------------------------------

# What each of a household's feeds must show of it; none may show anything of the other.
FEED_SHOWS = {
    "m0": lambda h: [
        h.text["responsibility"],
        h.text["minimum standard"],
        h.text["one-off"],
        h.text["slot"],
        f"On duty: {h.names[1]}'s time",
    ],
    "m1": lambda h: [
        h.text["partner responsibility"],
        h.text["kindness note"],
        h.text["partner slot"],
        f"On duty: {h.names[0]}'s time",
    ],
    "household": lambda h: [
        f"Planner · {h.text['household']}",
        f"{h.text['responsibility']} ({h.names[0]})",
        f"{h.text['partner responsibility']} ({h.names[1]})",
        h.text["one-off"],
        f"{h.names[0]}'s time: {h.text['slot']}",
        f"{h.names[1]}'s time: {h.text['partner slot']}",
    ],
}


def feed_path(token: str) -> str:
    return f"/feeds/{token}.ics"


def unfolded(response) -> str:
    """The calendar's text with folded lines joined (RFC 5545 3.1) and escapes undone."""
    text = response.get_data(as_text=True).replace("\r\n ", "").replace("\r\n\t", "")
    return text.replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n")


def all_feeds(app, homes) -> dict[tuple[str, str], tuple[int, bytes]]:
    """(tag, feed) -> (status, bytes) for every feed of both households, fetched as a
    calendar app does: no sign-in."""
    anonymous = app.test_client()
    found = {}
    for home in homes:
        for key, token in home.feeds.items():
            response = anonymous.get(feed_path(token))
            found[(home.tag, key)] = (response.status_code, response.data)
    return found


@pytest.mark.parametrize("key", list(FEED_SHOWS))
def test_each_feed_shows_only_its_households_own(app, homes, key):
    for home, other in (homes, homes[::-1]):
        response = app.test_client().get(feed_path(home.feeds[key]))
        assert response.status_code == 200
        text = unfolded(response)
        missing = [w for w in FEED_SHOWS[key](home) if w not in text]
        assert not missing, f"{home.tag}'s {key} feed doesn't show {missing}"
        leaked = {k: v for k, v in other.markers.items() if v.lower() in text.lower()}
        assert not leaked, f"{home.tag}'s {key} feed shows {other.tag}'s {leaked}"
        assert other.tag.lower() not in text.lower()


@pytest.mark.parametrize("which", ["member", "household"])
def test_resetting_a_feed_kills_only_that_feed(app, client, homes, which):
    """A new address for A's member feed (or A's household feed) ends that one old address
    at once; every other feed, of A and of B, keeps answering with the same calendar."""
    mine, other = homes
    before = all_feeds(app, homes)
    assert {status for status, _ in before.values()} == {200}
    login(client, mine.emails[0])
    assert client.post("/feeds/links", data={"feed": which}).status_code == 302
    reset = "m0" if which == "member" else "household"
    with committing(app):
        household = db.session.get(Household, mine.household_id)
        member = household.members[0] if which == "member" else None
        new_token = feed_services.feed_token(household, member)
    assert new_token and new_token != mine.feeds[reset]
    after = all_feeds(app, homes)
    assert after.pop((mine.tag, reset))[0] == 404  # the old address is dead
    renewed = app.test_client().get(feed_path(new_token))
    assert renewed.status_code == 200 and renewed.data == before[(mine.tag, reset)][1]
    for feed, (status, data) in after.items():
        assert status == 200, f"resetting A's {which} feed killed {feed}"
        assert data == before[feed][1], f"resetting A's {which} feed changed {feed}"
    page = body(client.get("/feeds"))
    assert new_token in page and mine.feeds[reset] not in page
    assert not [t for t in other.feeds.values() if t in page]


# -- live updates ------------------------------------------------------------------------


def test_another_households_writes_move_neither_open_pages_nor_feeds(app, client, homes):
    """Open session pages poll their plan's version; feeds are cached by the household's
    version. A change in B moves neither of A's; a change in A moves A's."""
    mine, other = homes
    login(client, mine.emails[0])
    poll = client.get(f"/session/{mine.ids['plan']}/version")
    assert poll.status_code == 200 and poll.headers["Cache-Control"] == "no-store"
    version = int(re.search(r'data-version="(\d+)"', poll.get_data(as_text=True)).group(1))
    url = f"/session/{mine.ids['plan']}/version?v={version}"
    assert client.get(url).status_code == 204
    theirs = client.get(f"/session/{other.ids['plan']}/version")  # B's plan: as if none
    assert theirs.status_code == 404 and "data-version" not in theirs.get_data(as_text=True)
    anonymous = app.test_client()
    etag = anonymous.get(feed_path(mine.feeds["household"])).headers["ETag"]

    with committing(app):  # B's member checks in again and renames a slot
        plan = db.session.get(WeekPlan, other.ids["plan"])
        plan.checkins[0].what_would_help = f"{other.tag} a long walk"
        db.session.get(SelfCareSlot, other.ids["slot"]).title = f"{other.tag} Swim"
    assert client.get(url).status_code == 204, "B's change refreshed A's open session page"
    assert anonymous.get(feed_path(mine.feeds["household"])).headers["ETag"] == etag

    with committing(app):  # now A's own
        plan = db.session.get(WeekPlan, mine.ids["plan"])
        plan.checkins[0].what_would_help = f"{mine.tag} a long walk"
    changed = client.get(url)
    assert changed.status_code == 200 and changed.headers["HX-Trigger"]
    assert anonymous.get(feed_path(mine.feeds["household"])).headers["ETag"] != etag
