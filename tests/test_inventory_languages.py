"""The inventory in the reader's language: the starter deck is read in it, its cards and the
usual areas are written in the language of the member who adds them (keys unchanged), and
cadences, minutes and days are said in it.

The words come from a small catalogue made here, so these tests prove the wiring whatever
the project's catalogues hold."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
import time_machine
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask_babel import get_babel

from planner.domain import cadence
from planner.extensions import db
from planner.i18n import in_language
from planner.inventory import services
from planner.models import Area, Household, Member, Responsibility
from tests.helpers import body, committing, login

GERMAN = {
    "Home": "Zuhause",
    "Everything inside the house: cooking, cleaning, laundry, supplies.": "Alles im Haus.",
    "Out": "Unterwegs",
    "Dishes": "Abwasch",
    "Sink empty and counters wiped before bed": "Spüle leer vor dem Schlafengehen",
    "paper plates, or soak the pans until morning": "Pappteller",
    "Cleaning the bathroom": "Bad putzen",
    "a cleaner": "eine Putzhilfe",
    "Every day": "Jeden Tag",
    "Monthly on the %(day)s": "Monatlich am %(day)s",
    "%(day)dnd": "%(day)d.",
    "%(minutes)d min": "%(minutes)d Min.",
    "%(hours)d h %(minutes)d min": "%(hours)d Std. %(minutes)d Min.",
    "%(cadence)s at %(time)s": "%(cadence)s um %(time)s",
    "Starter deck": "Startkarten",
    "Added": "Hinzugefügt",
}
PLURALS = {
    ("Every week on %(days)s", "Every %(num)d weeks on %(days)s"): (
        "Jede Woche am %(days)s",
        "Alle %(num)d Wochen am %(days)s",
    ),
    (
        "Added %(num)d responsibility to your inventory.",
        "Added %(num)d responsibilities to your inventory.",
    ): (
        "%(num)d Aufgabe ist jetzt auf eurer Liste.",
        "%(num)d Aufgaben sind jetzt auf eurer Liste.",
    ),
}


@pytest.fixture(autouse=True)
def _a_fixed_moment():
    with time_machine.travel(datetime(2026, 11, 25, 12, tzinfo=UTC), tick=True):
        yield


@pytest.fixture
def german(app, tmp_path):
    """The app reads a German catalogue of a few of the inventory's words while the test runs."""
    catalog = Catalog(locale="de", fuzzy=False)
    for english, german in GERMAN.items():
        catalog.add(english, german)
    for english_forms, german_forms in PLURALS.items():
        catalog.add(english_forms, german_forms)
    folder = tmp_path / "translations" / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as f:
        write_mo(f, catalog)
    config = get_babel(app)
    with app.app_context():
        domain = config.instance.domain_instance  # translations are cached per domain
    before = config.translation_directories
    config.translation_directories = [str(tmp_path / "translations")]
    domain.cache.clear()
    yield
    config.translation_directories = before
    domain.cache.clear()


def couple(app, make, client, alex: str = "en", sam: str = "en"):
    """Alex and Sam, each with a language, Alex signed in."""
    made = make("Alex", "Sam")
    with committing(app):
        for member_id, language in zip(made.member_ids, (alex, sam), strict=True):
            db.session.get(Member, member_id).language = language
    login(client, made.emails[0])
    return made


def rows(app, made) -> dict[str, Responsibility]:
    with committing(app):
        found = db.session.scalars(
            db.select(Responsibility).where(Responsibility.household_id == made.household_id)
        )
        return {r.starter_key: r for r in found}


def areas(app, made) -> dict[str, Area]:
    with committing(app):
        return {
            a.key: a
            for a in db.session.scalars(
                db.select(Area).where(Area.household_id == made.household_id)
            )
        }


def test_starter_cards_are_written_in_the_language_of_the_member_who_adds_them(
    app, client, make, german
):
    made = couple(app, make, client, alex="de")
    response = client.post("/inventory/starter", data={"pick": ["dishes", "bathroom"]})
    assert response.status_code == 302
    added = rows(app, made)
    dishes, bathroom = added["dishes"], added["bathroom"]  # the keys stay the cards' own
    assert dishes.title == "Abwasch"
    assert dishes.minimum_standard == "Spüle leer vor dem Schlafengehen"
    assert dishes.simpler == "Pappteller"
    assert (bathroom.title, bathroom.help_from) == ("Bad putzen", "eine Putzhilfe")
    made_areas = areas(app, made)
    assert (made_areas["home"].name, made_areas["out"].name) == ("Zuhause", "Unterwegs")
    assert made_areas["home"].description == "Alles im Haus."
    flashed = body(client.get("/inventory/starter"))
    assert "2 Aufgaben sind jetzt auf eurer Liste." in flashed


def test_the_deck_reads_in_each_readers_language_and_knows_its_cards_by_key(
    app, client, make, german
):
    made = couple(app, make, client, alex="de", sam="en")
    client.post("/inventory/starter", data={"pick": ["dishes"]})
    page = body(client.get("/inventory/starter"))
    assert "<h1>Startkarten</h1>" in page and "Abwasch" in page and "Jeden Tag" in page
    assert 'id="pick-dishes" name="pick" value="dishes" disabled checked' in page
    assert "Hinzugefügt" in page

    login(client, made.emails[1])
    page = body(client.get("/inventory/starter"))
    # Sam reads the deck in English; the areas Alex set up keep the names they were given.
    assert "<h1>Starter deck</h1>" in page and 'class="deck-title">Dishes<' in page
    assert 'id="pick-dishes" name="pick" value="dishes" disabled checked' in page
    assert "<h2>Zuhause</h2>" in page
    # Ticking the same card in another language adds nothing twice.
    client.post("/inventory/starter", data={"pick": ["dishes"]})
    assert list(rows(app, made)) == ["dishes"]


def test_the_usual_areas_are_named_in_the_language_of_who_sets_them_up(app, client, make, german):
    made = couple(app, make, client, alex="de")
    client.post("/inventory/areas/usual", data={"back": "inventory.areas"})
    assert areas(app, made)["home"].name == "Zuhause"


def test_the_list_says_cadence_time_and_minutes_in_the_readers_language(app, client, make, german):
    made = couple(app, make, client, alex="de")
    with committing(app):
        household = db.session.get(Household, made.household_id)
        home = services.ensure_areas(household)[0]
        db.session.add(
            Responsibility(
                household_id=household.id,
                area_id=home.id,
                title="Kochen",
                rrule="FREQ=DAILY",
                starts_on=date(2026, 11, 23),
                preferred_time=time(18, 5),
                effort_minutes=45,
                mental_load_minutes=20,
            )
        )
    page = body(client.get("/inventory"))
    assert "Jeden Tag um 18:05" in page
    assert "5 Std. 35 Min." in page  # 45 × 7 + 20 minutes a week


def test_cadences_in_words_in_each_language(app, german):
    monthly = cadence.Cadence("monthly", month_day=22)
    fortnightly = cadence.Cadence("every_n_weeks", (0, 3), 2)
    with app.test_request_context():
        assert cadence.describe(monthly) == "Monthly on the 22nd"
        assert cadence.describe(fortnightly) == "Every 2 weeks on Mon, Thu"
        with in_language("de"):
            assert cadence.describe(monthly) == "Monatlich am 22."
            assert cadence.describe(fortnightly) == "Alle 2 Wochen am Mo., Do."
            assert cadence.describe(cadence.Cadence("weekly", (5,))) == "Sa."
            assert services.minutes_label(80) == "1 Std. 20 Min."
        with in_language("es"):
            # No Spanish catalogue here: the words stay English, the days are Spanish.
            assert cadence.describe(cadence.Cadence("weekly", (0, 2))) == "lun, mié"


def test_the_days_to_tick_are_named_in_the_readers_language(app, client, make, german):
    couple(app, make, client, alex="de")
    client.post("/inventory/areas/usual", data={"back": "inventory.new"})
    page = body(client.get("/inventory/new"))
    days = page.split("<legend>On</legend>", 1)[1].split("</fieldset>", 1)[0]
    assert "<span>Mo.</span>" in days and "<span>So.</span>" in days
