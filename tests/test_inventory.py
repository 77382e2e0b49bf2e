"""The inventory: areas, responsibilities, the starter deck and the demo inventory."""

from __future__ import annotations

from datetime import time

from sqlalchemy import func, select

from planner.demo import load_demo
from planner.domain.starter_deck import STARTER_DECK
from planner.extensions import db
from planner.inventory import services, starter
from planner.models import Area, Household, Member, Responsibility, WeekPlan
from planner.week import services as week_services
from tests.helpers import body, committing, login

GOOD = {
    "title": "Dishes",
    "cadence_kind": "weekly",
    "weekdays": ["0", "3"],
    "interval": "",
    "month_day": "1",
    "starts_on": "2026-11-23",
    "preferred_time": "20:30",
    "effort_minutes": "20",
    "mental_load_minutes": "10",
    "default_owner_id": "0",
    "minimum_standard": "Sink empty before bed",
    "notes": "",
}


def signed_in(client, make, *names):
    made = make(*(names or ("Alex", "Sam")))
    login(client, made.emails[0])
    return made


def area_ids(app, made) -> dict[str, int]:
    with committing(app):
        household = db.session.get(Household, made.household_id)
        return {a.key: a.id for a in services.ensure_areas(household)}


def all_responsibilities(app, made) -> list[Responsibility]:
    with committing(app):
        rows = db.session.scalars(
            select(Responsibility).where(Responsibility.household_id == made.household_id)
        )
        return [r for r in rows if r.allowed_members is not None]


def area_count(app, made) -> int:
    with committing(app):
        return db.session.scalar(
            select(func.count(Area.id)).where(Area.household_id == made.household_id)
        )


def test_pages_write_nothing_until_the_usual_areas_are_set_up(app, client, make):
    made = signed_in(client, make)
    for url in ("/inventory", "/inventory/new", "/inventory/areas"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "No areas yet" in body(response) and "Set up the usual areas" in body(response)
    deck = client.get("/inventory/starter")
    assert deck.status_code == 200 and "Caregiving" in body(deck)
    assert area_count(app, made) == 0
    response = client.post("/inventory/areas/usual", data={"back": "inventory.index"})
    assert response.status_code == 302 and response.location.endswith("/inventory")
    text = body(client.get("/inventory"))
    for name in ("Home", "Out", "Caregiving", "Magic", "Wild"):
        assert name in text
    assert "Everything inside the house" in text and "No areas yet" not in text
    assert "Errands, the car" in body(client.get("/inventory?area=out"))
    again = client.post("/inventory/areas/usual", data={"back": "https://example.com/"})
    assert again.status_code == 302 and again.location.endswith("/inventory/areas")
    assert area_count(app, made) == 5
    assert 'name="area_id"' in body(client.get("/inventory/new"))


def test_create_edit_archive_responsibility(app, client, make):
    made = signed_in(client, make)
    alex, sam = made.member_ids
    home = area_ids(app, made)["home"]
    assert client.get("/inventory/new").status_code == 200
    data = {
        **GOOD,
        "area_id": str(home),
        "default_owner_id": str(sam),
        "pinned": "y",
        "allowed_member_ids": [str(sam)],
        "can_outsource": "y",
        "help_from": "a cleaner",
        "simpler": "  a wipe of the counters ",
    }
    response = client.post("/inventory/new", data=data)
    assert response.status_code == 302
    (saved,) = all_responsibilities(app, made)
    assert saved.rrule == "FREQ=WEEKLY;BYDAY=MO,TH"
    assert saved.preferred_time == time(20, 30) and saved.pinned and saved.help_from == "a cleaner"
    assert saved.simpler == "a wipe of the counters" and not saved.can_wait
    assert saved.default_owner_id == sam
    assert saved.minimum_standard == "Sink empty before bed"
    page = body(client.get("/inventory"))
    assert "Dishes" in page and "Mon, Thu at 20:30" in page
    assert "50 min/wk" in page  # 20 × 2 + 10

    edit = client.get(f"/inventory/{saved.id}/edit")
    assert edit.status_code == 200 and 'value="Dishes"' in edit.get_data(as_text=True)
    changed = {
        **data,
        "title": "Washing up",
        "cadence_kind": "every_n_weeks",
        "interval": "2",
        "weekdays": ["5"],
        "pinned": "",
        "allowed_member_ids": [],
    }
    del changed["pinned"]
    assert client.post(f"/inventory/{saved.id}/edit", data=changed).status_code == 302
    (saved,) = all_responsibilities(app, made)
    assert saved.title == "Washing up" and saved.rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA"
    assert not saved.pinned

    assert client.post(f"/inventory/{saved.id}/archive").status_code == 302
    listed = 'class="inv-title">Washing up'
    assert listed not in body(client.get("/inventory"))
    assert listed in body(client.get("/inventory?archived=1"))
    assert client.post(f"/inventory/{saved.id}/unarchive").status_code == 302
    assert listed in body(client.get("/inventory"))


def test_every_cadence_kind(app, client, make):
    made = signed_in(client, make)
    home = area_ids(app, made)["home"]
    expected = {
        "daily": "FREQ=DAILY",
        "weekdays": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        "monthly": "FREQ=MONTHLY;BYMONTHDAY=-1",
        "as_needed": None,
        "once": "FREQ=DAILY;COUNT=1",
    }
    for kind in expected:
        data = {
            **GOOD,
            "title": kind,
            "area_id": str(home),
            "cadence_kind": kind,
            "month_day": "-1",
        }
        assert client.post("/inventory/new", data=data).status_code == 302, kind
    rules = {r.title: r.rrule for r in all_responsibilities(app, made)}
    assert rules == expected
    text = body(client.get("/inventory"))
    assert "Monthly on the last day" in text and "As needed" in text


def test_responsibility_bad_input(app, client, make):
    made = signed_in(client, make)
    alex, sam = made.member_ids
    home = area_ids(app, made)["home"]
    base = {**GOOD, "area_id": str(home)}
    cases = [
        ({"title": ""}, "Give it a short title."),
        ({"title": "x" * 121}, "Up to 120 characters."),
        ({"effort_minutes": "601"}, "Between 0 and 600 minutes."),
        ({"effort_minutes": "-1"}, "Between 0 and 600 minutes."),
        ({"mental_load_minutes": "1201"}, "Between 0 and 1200 minutes."),
        ({"effort_minutes": "lots"}, "Not a valid integer value."),
        ({"pinned": "y"}, "A pinned responsibility needs a usual owner."),
        (
            {"default_owner_id": str(alex), "allowed_member_ids": [str(sam)]},
            "Include the usual owner among who can hold it.",
        ),
        ({"weekdays": []}, "Tick at least one day."),
        ({"cadence_kind": "every_n_weeks", "interval": ""}, "Say every how many weeks"),
        ({"cadence_kind": "every_n_weeks", "interval": "53"}, "Between 2 and 12 weeks."),
        ({"cadence_kind": "monthly", "month_day": "31"}, "Not a valid choice"),
        ({"cadence_kind": "hourly"}, "Not a valid choice"),
        ({"starts_on": "soon"}, "Not a valid date value"),
        ({"preferred_time": "25:00"}, "Not a valid time"),
        ({"starts_on": ""}, "Pick the first day"),
        ({"area_id": "999999"}, "Not a valid choice"),
        ({"default_owner_id": "999999"}, "Not a valid choice"),
    ]
    for bad, message in cases:
        response = client.post("/inventory/new", data={**base, **bad})
        assert response.status_code == 422, bad
        assert message in body(response), bad
    assert all_responsibilities(app, made) == []


def test_areas_rename_add_reorder_delete(app, client, make):
    made = signed_in(client, make)
    ids = area_ids(app, made)
    assert client.get("/inventory/areas").status_code == 200
    response = client.post(
        f"/inventory/areas/{ids['out']}",
        data={f"area-{ids['out']}-name": "Outside", f"area-{ids['out']}-description": "Errands"},
    )
    assert response.status_code == 302
    assert (
        client.post("/inventory/areas", data={"name": "Garden", "description": ""}).status_code
        == 302
    )
    assert (
        client.post(f"/inventory/areas/{ids['out']}/move", data={"direction": "up"}).status_code
        == 302
    )
    with committing(app):
        household = db.session.get(Household, made.household_id)
        names = [a.name for a in services.list_areas(household)]
    assert names == ["Outside", "Home", "Caregiving", "Magic", "Wild", "Garden"]
    # An area in use cannot be deleted; an empty one can.
    data = {**GOOD, "area_id": str(ids["magic"])}
    client.post("/inventory/new", data=data)
    response = client.post(f"/inventory/areas/{ids['magic']}/delete")
    assert response.status_code == 422
    assert "still holds 1 responsibility" in body(response)
    assert client.post(f"/inventory/areas/{ids['wild']}/delete").status_code == 302
    with committing(app):
        assert db.session.get(Area, ids["wild"]) is None
        assert db.session.get(Area, ids["magic"]) is not None


def test_area_bad_input(app, client, make):
    made = signed_in(client, make)
    ids = area_ids(app, made)
    response = client.post("/inventory/areas", data={"name": "", "description": ""})
    assert response.status_code == 422 and "Give the area a name." in body(response)
    response = client.post(
        f"/inventory/areas/{ids['home']}",
        data={f"area-{ids['home']}-name": "x" * 61, f"area-{ids['home']}-description": ""},
    )
    assert response.status_code == 422 and "Up to 60 characters." in body(response)
    with committing(app):
        assert db.session.get(Area, ids["home"]).name == "Home"
        assert db.session.scalar(select(func.count(Area.id))) == 5


def test_starter_deck_page_and_picks(app, client, make):
    made = signed_in(client, make)
    alex, sam = made.member_ids
    page = client.get("/inventory/starter")
    assert page.status_code == 200
    text = body(page)
    assert "Dishes" in text and "Moving house" in text and "with pets" in text
    response = client.post(
        "/inventory/starter",
        data={
            "area": "home",
            "pick": ["dishes", "bathroom", "not-a-key"],
            "owner-dishes": str(sam),
        },
    )
    assert response.status_code == 302 and response.location.endswith("#deck-home")
    rows = {r.starter_key: r for r in all_responsibilities(app, made)}
    assert set(rows) == {"dishes", "bathroom"}
    assert rows["dishes"].default_owner_id == sam and rows["bathroom"].default_owner_id is None
    assert rows["dishes"].preferred_time is not None and rows["dishes"].minimum_standard
    # Ticking again adds nothing twice.
    client.post("/inventory/starter", data={"pick": ["dishes", "groceries"]})
    assert sorted(r.starter_key for r in all_responsibilities(app, made)) == [
        "bathroom",
        "dishes",
        "groceries",
    ]
    assert "Added" in body(client.get("/inventory/starter"))


def test_starter_deck_keeps_every_tick_across_areas(app, client, make):
    """Every area's ticks and owners are in one form, so any area's button adds them all."""
    from html.parser import HTMLParser

    class Fields(HTMLParser):
        def __init__(self):
            super().__init__()
            self.forms, self.fields = 0, {}

        def handle_starttag(self, tag, attrs):
            name = dict(attrs).get("name") or ""
            if tag == "form":
                self.forms += 1
            elif name == "pick" or name.startswith("owner-") or name == "area":
                self.fields.setdefault(self.forms, []).append(name)

    signed_in(client, make)
    parser = Fields()
    parser.feed(body(client.get("/inventory/starter")))
    (form,) = parser.fields  # all in the one form, whichever area they belong to
    names = parser.fields[form]
    assert names.count("pick") == len(STARTER_DECK)
    assert names.count("area") == len({i.area for i in STARTER_DECK})  # one button each


def test_starter_deck_bad_owner(app, client, make):
    made = signed_in(client, make)
    other = make("Kim")
    response = client.post(
        "/inventory/starter", data={"pick": ["dishes"], "owner-dishes": str(other.member_ids[0])}
    )
    assert response.status_code == 422
    assert "Pick owners from your household." in body(response)
    assert all_responsibilities(app, made) == []


def test_inventory_change_refreshes_open_draft(app, client, make):
    made = signed_in(client, make)
    with committing(app):
        week = week_services.week_start_for_household(db.session.get(Household, made.household_id))
    client.post(f"/week/{week.isoformat()}/plan")  # makes this week's draft
    client.post("/inventory/starter", data={"pick": ["dishes"]})
    with committing(app):
        plan = db.session.scalar(select(WeekPlan).where(WeekPlan.household_id == made.household_id))
        assert [i.title for i in plan.items] == ["Dishes"]


def test_demo_inventory_is_idempotent(app, ctx):
    load_demo()
    load_demo()
    household = db.session.scalar(
        select(Member).where(Member.email == "alex@example.com")
    ).household
    rows = db.session.scalars(
        select(Responsibility).where(Responsibility.household_id == household.id)
    ).all()
    assert len(rows) >= 25
    assert len({r.starter_key for r in rows}) == len(rows)
    owners = {r.default_owner.display_name for r in rows}
    assert owners == {"Alex", "Sam"}
    assert sum(r.preferred_time is not None for r in rows) >= 5
    assert all(key in {i.key for i in STARTER_DECK} for key in starter.added_keys(household))


def test_pages_need_sign_in(client):
    for url in ("/inventory", "/inventory/new", "/inventory/areas", "/inventory/starter"):
        assert client.get(url).status_code == 302
