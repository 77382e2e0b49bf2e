"""The inventory page: one area at a time, the others one tap away with their counts, a
big area a page at a time, and every button coming back to the page it was pressed on."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import time_machine

from planner.extensions import db
from planner.inventory import listing, services
from planner.models import Area, Household, Responsibility
from tests.helpers import body, committing, login, queries_of
from tests.test_inventory import GOOD


@pytest.fixture(autouse=True)
def _a_fixed_moment():
    with time_machine.travel(datetime(2026, 11, 25, 12, tzinfo=UTC), tick=True):
        yield


def household_with(app, make, client, **per_area: int):
    """A signed-in household with the usual areas and `per_area[key]` responsibilities in
    each named area, titled "<Area> 000", "<Area> 001", …; returns (made, area ids by key)."""
    made = make("Alex", "Sam")
    login(client, made.emails[0])
    with committing(app):
        household = db.session.get(Household, made.household_id)
        areas = {a.key: a for a in services.ensure_areas(household)}
        for key, count in per_area.items():
            db.session.add_all(
                Responsibility(
                    household_id=household.id,
                    area_id=areas[key].id,
                    title=f"{areas[key].name} {n:03d}",
                    rrule="FREQ=WEEKLY;BYDAY=MO",
                    starts_on=date(2026, 1, 5),
                    effort_minutes=10,
                    mental_load_minutes=5,
                    default_owner_id=made.member_ids[n % 2],
                )
                for n in range(count)
            )
        return made, {key: a.id for key, a in areas.items()}


def titles(page: str) -> list[str]:
    return re.findall(r'class="inv-title">([^<]+)<', page)


def tabs(page: str) -> dict[str, tuple[str, str]]:
    """Each area link's name -> (its address, its count)."""
    nav = page.split('aria-label="Areas"', 1)[1].split("</nav>", 1)[0]
    found = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+) <span class="area-count">(\d+)', nav)
    return {name: (href, count) for href, name, count in found}


def responsibility_id(app, title: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Responsibility.id).where(Responsibility.title == title))


def test_one_area_at_a_time_with_the_others_as_links_with_counts(app, client, make):
    household_with(app, make, client, home=2, out=1)
    page = body(client.get("/inventory"))
    assert titles(page) == ["Home 000", "Home 001"]
    assert "Everything inside the house" in page and "Errands, the car" not in page
    assert tabs(page) == {
        "Home": ("/inventory?area=home", "2"),
        "Out": ("/inventory?area=out", "1"),
        "Caregiving": ("/inventory?area=caregiving", "0"),
        "Magic": ("/inventory?area=magic", "0"),
        "Wild": ("/inventory?area=wild", "0"),
    }
    assert re.search(r'aria-current="page">Home <span class="area-count">', page)

    out = body(client.get("/inventory?area=out"))
    assert titles(out) == ["Out 000"] and "Errands, the car" in out
    assert re.search(r'aria-current="page">Out <span class="area-count">', out)
    # The week's totals still count every area: Alex holds Home 000 and Out 000, 15 min each.
    assert re.search(r'Alex <span class="muted">30 min</span>', out)
    assert re.search(r'Sam <span class="muted">15 min</span>', out)
    empty = body(client.get("/inventory?area=magic"))
    assert titles(empty) == [] and "Nothing here yet." in empty


def test_an_area_is_found_by_id_too(app, client, make):
    _, ids = household_with(app, make, client, home=1, out=1)
    assert titles(body(client.get(f"/inventory?area={ids['out']}"))) == ["Out 000"]


@pytest.mark.parametrize("wanted", ["nowhere", "999999", "", "<script>", "1e9", "%00"])
def test_an_unknown_area_falls_back_to_the_first_that_lists_something(app, client, make, wanted):
    household_with(app, make, client, out=2)  # Home, first in order, is empty
    response = client.get(f"/inventory?area={wanted}")
    assert response.status_code == 200
    page = body(response)
    assert titles(page) == ["Out 000", "Out 001"]
    assert re.search(r'aria-current="page">Out <span class="area-count">', page)


def test_another_households_area_is_unknown_here(app, client, make):
    theirs = make("Kim", "Lee")
    with committing(app):
        household = db.session.get(Household, theirs.household_id)
        their_out = next(a.id for a in services.ensure_areas(household) if a.key == "out")
    household_with(app, make, client, home=1)
    response = client.get(f"/inventory?area={their_out}")
    assert response.status_code == 200 and titles(body(response)) == ["Home 000"]


def test_with_no_areas_yet_the_page_offers_to_set_them_up(app, client, make):
    made = make("Alex", "Sam")
    login(client, made.emails[0])
    page = body(client.get("/inventory?area=home&page=3"))
    assert "No areas yet" in page and 'aria-label="Areas"' not in page


def test_a_big_area_is_shown_a_page_at_a_time(app, client, make):
    household_with(app, make, client, home=120, out=3)
    size = listing.PAGE_SIZE
    first = body(client.get("/inventory"))
    assert titles(first) == [f"Home {n:03d}" for n in range(size)]
    assert f"1–{size} of 120" in first
    assert 'href="/inventory?area=home&page=2" rel="next">Next 50<' in first
    assert 'rel="prev"' not in first
    assert tabs(first)["Home"][1] == "120"

    second = body(client.get("/inventory?area=home&page=2"))
    assert titles(second) == [f"Home {n:03d}" for n in range(size, 2 * size)]
    assert 'href="/inventory?area=home" rel="prev">Previous 50<' in second
    assert 'href="/inventory?area=home&page=3" rel="next">Next 20<' in second

    last = body(client.get("/inventory?area=home&page=3"))
    assert titles(last) == [f"Home {n:03d}" for n in range(2 * size, 120)]
    assert "101–120 of 120" in last and 'rel="next"' not in last
    # Past the end: the last page; nonsense: the first. Never an error.
    assert titles(body(client.get("/inventory?area=home&page=99"))) == titles(last)
    for nonsense in ("0", "-2", "two", ""):
        assert titles(body(client.get(f"/inventory?area=home&page={nonsense}"))) == titles(first)
    # A small area has no pages.
    out = body(client.get("/inventory?area=out&page=2"))
    assert titles(out) == ["Out 000", "Out 001", "Out 002"] and 'class="pager"' not in out


def test_one_form_and_one_token_for_a_whole_page_of_rows(app, client, make):
    household_with(app, make, client, home=30)
    page = body(client.get("/inventory"))
    assert len(titles(page)) == 30
    # The list's form and the layout's sign-out form.
    assert page.count("<form") == 2 and page.count('name="csrf_token"') == 2
    archive_buttons = re.findall(r'formaction="(/inventory/\d+/archive)"', page)
    assert len(archive_buttons) == 30


def test_archiving_on_a_later_page_comes_back_to_it(app, client, make):
    household_with(app, make, client, home=120)
    target = responsibility_id(app, "Home 060")
    page = body(client.get("/inventory?area=home&page=2"))
    assert f'formaction="/inventory/{target}/archive"' in page
    response = client.post(f"/inventory/{target}/archive")
    assert response.status_code == 302
    assert response.location == f"/inventory?area=home&page=2#r-{target}"
    after = body(client.get(response.location))
    assert "Archived Home 060" in after and "Home 060" not in titles(after)
    assert "Show 1 archived" in after

    # Shown with the archived ones, bringing it back stays on that view.
    shown = body(client.get("/inventory?area=home&page=2&archived=1"))
    assert "Home 060" in titles(shown)
    assert f'formaction="/inventory/{target}/unarchive"' in shown
    assert '<input type="hidden" name="archived" value="1">' in shown
    response = client.post(f"/inventory/{target}/unarchive", data={"archived": "1"})
    assert response.location == f"/inventory?area=home&page=2&archived=1#r-{target}"


def test_a_post_without_its_token_is_refused(app, client, make):
    household_with(app, make, client, home=1)
    target = responsibility_id(app, "Home 000")
    response = client.post(f"/inventory/{target}/archive", csrf=False)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(Responsibility, target).archived_at is None


def test_saving_comes_back_to_where_it_is_now_listed(app, client, make):
    _, ids = household_with(app, make, client, home=60, out=1)
    target = responsibility_id(app, "Home 055")
    edit = body(client.get(f"/inventory/{target}/edit"))
    assert f'<a href="/inventory?area=home&page=2#r-{target}">Cancel</a>' in edit
    moved = {**GOOD, "title": "Home 055", "area_id": str(ids["out"])}
    response = client.post(f"/inventory/{target}/edit", data=moved)
    assert response.status_code == 302
    assert response.location == f"/inventory?area=out#r-{target}"
    assert titles(body(client.get(response.location))) == ["Home 055", "Out 000"]

    new = client.get(f"/inventory/new?area={ids['home']}")
    assert '<a href="/inventory?area=home">Cancel</a>' in body(new)
    added = {**GOOD, "title": "Aaa first of all", "area_id": str(ids["home"])}
    response = client.post("/inventory/new", data=added)
    fresh = responsibility_id(app, "Aaa first of all")
    assert response.location == f"/inventory?area=home#r-{fresh}"


def test_add_links_start_in_the_area_shown(app, client, make):
    _, ids = household_with(app, make, client, out=1)
    page = body(client.get("/inventory?area=out"))
    assert page.count(f'href="/inventory/new?area={ids["out"]}"') == 2  # the top and the area


def test_a_repeated_key_names_its_areas_by_id(app, client, make):
    made, ids = household_with(app, make, client, home=1)
    with committing(app):
        twin = Area(household_id=made.household_id, key="home", name="Home too", position=9)
        db.session.add(twin)
        db.session.flush()
        twin_id = twin.id
    links = tabs(body(client.get("/inventory")))
    assert links["Home"][0] == f"/inventory?area={ids['home']}"
    assert links["Home too"][0] == f"/inventory?area={twin_id}"
    assert links["Out"][0] == "/inventory?area=out"


def test_a_new_area_never_repeats_a_key(app, client, make):
    made, _ = household_with(app, make, client)
    for name in ("Garden", "Shed"):
        client.post("/inventory/areas", data={"name": name, "description": ""})
    with committing(app):
        garden = db.session.scalar(db.select(Area).where(Area.name == "Garden"))
        services.delete_area(db.session.get(Area, garden.id))
    client.post("/inventory/areas", data={"name": "Pond", "description": ""})
    with committing(app):
        keys = [a.key for a in services.list_areas(db.session.get(Household, made.household_id))]
    assert len(keys) == len(set(keys)) == 7


def count_queries(app, client, url: str) -> int:
    client.get(url)  # warm
    return queries_of(app, client, url)


def test_the_page_makes_as_many_queries_for_a_big_household_as_for_a_small_one(app, make):
    small_client, big_client = app.test_client(), app.test_client()
    household_with(app, make, small_client, home=2)
    made, _ = household_with(app, make, big_client, home=140, out=30, magic=5)
    with committing(app):
        for n in range(12):
            db.session.add(Area(household_id=made.household_id, key=f"extra-{n}", name=f"X{n}"))
        archived = db.session.scalars(
            db.select(Responsibility).where(Responsibility.household_id == made.household_id)
        ).all()[:20]
        for r in archived:
            r.archived_at = datetime(2026, 11, 1, tzinfo=UTC)
    for url in ("/inventory", "/inventory?area=home&page=2&archived=1"):
        assert count_queries(app, big_client, url) == count_queries(app, small_client, url), url
