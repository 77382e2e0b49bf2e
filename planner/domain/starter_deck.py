"""The starter deck: common household responsibilities a new household can pick from.

Effort is minutes per occurrence of doing it; mental load is minutes per week of
noticing, planning and following up. Wild items carry their weekly load while the
life event is under way; a household adds them only then. Items tagged with
`caregiving_only_if` apply only to households with children, pets or an older
relative they look after.

Names, descriptions, titles, minimum standards and the flexibility's words are lazy
translations: the deck reads in the reader's language, and a household's rows are written
in the language of the member who adds them (`str()` at that moment). Keys never change:
they are how a household's rows are recognised as starter cards.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import time
from typing import Any, NamedTuple

from planner.domain.balance.model import Flexibility
from planner.i18n import _l


class StarterArea(NamedTuple):
    key: str
    name: str  # lazy
    description: str  # lazy


AREAS: tuple[StarterArea, ...] = (
    StarterArea(
        "home",
        _l("Home"),
        _l("Everything inside the house: cooking, cleaning, laundry, supplies."),
    ),
    StarterArea(
        "out",
        _l("Out"),
        _l("Errands, the car, the garden, money and admin with the outside world."),
    ),
    StarterArea(
        "caregiving",
        _l("Caregiving"),
        _l("Looking after children, pets and older relatives."),
    ),
    StarterArea(
        "magic",
        _l("Magic"),
        _l("The special things: birthdays, gifts, date nights, traditions."),
    ),
    StarterArea(
        "wild",
        _l("Wild"),
        _l("Life events that take over for a while: a move, a baby, illness."),
    ),
)

CAREGIVING_TAGS = ("children", "pets", "elders")
KIDS, PETS, ELDERS = CAREGIVING_TAGS


@dataclass(frozen=True)
class StarterItem:
    key: str
    area: str
    title: str  # lazy
    rrule: str | None  # None: as needed
    effort_minutes: int
    mental_load_minutes: int
    minimum_standard: str  # lazy
    suggested_time: time | None = None
    caregiving_only_if: str | None = None


DAILY = "FREQ=DAILY"
WEEKDAYS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
AS_NEEDED = None
ONCE = "FREQ=DAILY;COUNT=1"


def _on(*days: str) -> str:
    return "FREQ=WEEKLY;BYDAY=" + ",".join(days)


def _every(weeks: int, day: str) -> str:
    return f"FREQ=WEEKLY;INTERVAL={weeks};BYDAY={day}"


def _monthly(day: int) -> str:
    return f"FREQ=MONTHLY;BYMONTHDAY={day}"


_HOME = (
    # key, title, cadence, effort per time, mental load per week, minimum standard, time
    ("dishes", _l("Dishes"), DAILY, 20, 10, _l("Sink empty and counters wiped before bed"), time(20, 30)),
    ("dishwasher", _l("Emptying the dishwasher"), DAILY, 10, 2, _l("Emptied by breakfast so dirty cups go straight in"), time(7, 30)),
    ("breakfast", _l("Weekday breakfasts"), WEEKDAYS, 15, 5, _l("Breakfast out, eaten and cleared by 8:30"), time(7, 15)),
    ("dinner", _l("Cooking dinner"), DAILY, 45, 20, _l("A simple hot meal by 19:00; leftovers count"), time(18, 0)),
    ("meal_plan", _l("Planning the week's meals"), _on("SA"), 30, 45, _l("Dinners for the week decided and their ingredients on the list"), time(9, 0)),
    ("shopping_list", _l("Keeping the shopping list"), AS_NEEDED, 5, 20, _l("Anything that runs low goes on the shared list the same day")),
    ("tidy", _l("Evening tidy of shared rooms"), DAILY, 15, 5, _l("Floor, table and sofa clear before bed"), time(21, 0)),
    ("laundry_wash", _l("Washing and drying laundry"), _on("MO", "TH"), 30, 15, _l("Nobody runs out of clean underwear, socks or work clothes"), time(19, 0)),
    ("laundry_away", _l("Folding and putting laundry away"), _on("TU", "FR"), 20, 5, _l("Dry laundry folded and put away within a day")),
    ("bed_linen", _l("Changing the bed linen"), _every(2, "SA"), 30, 5, _l("Fresh sheets on every bed every two weeks")),
    ("towels", _l("Fresh towels"), _on("SA"), 10, 2, _l("Clean hand and bath towels out every week")),
    ("bathroom", _l("Cleaning the bathroom"), _on("SA"), 40, 5, _l("Toilet, sink, shower and mirror clean; bin emptied")),
    ("kitchen_clean", _l("Deep-cleaning the kitchen"), _on("SU"), 40, 5, _l("Hob, microwave, counters and floor clean; nothing sticky")),
    ("fridge", _l("Clearing out the fridge"), _on("FR"), 15, 5, _l("Nothing out of date or mouldy before the big shop")),
    ("floors", _l("Vacuuming and mopping"), _on("SA"), 45, 5, _l("Floors vacuumed every week; kitchen and bathroom mopped")),
    ("dusting", _l("Dusting"), _every(2, "SU"), 30, 2, _l("Shelves, sills and screens dust-free to a quick finger test")),
    ("bins_inside", _l("Emptying bins and sorting recycling"), _on("MO", "TH"), 10, 5, _l("No bin overflowing; recycling rinsed and sorted")),
    ("windows", _l("Cleaning windows and mirrors"), _monthly(15), 45, 5, _l("Windows clear enough to enjoy the view, inside, every month")),
    ("oven_fridge", _l("Scrubbing the oven and fridge"), _every(12, "SA"), 60, 5, _l("Oven and fridge cleaned out properly every three months")),
    ("supplies", _l("Household supplies"), AS_NEEDED, 15, 15, _l("Never down to the last toilet roll, bin bag or dishwasher tablet")),
    ("repairs", _l("Small repairs and DIY"), AS_NEEDED, 60, 20, _l("Anything broken is fixed, or someone booked, within two weeks")),
    ("declutter", _l("Decluttering and donating"), _monthly(-1), 60, 10, _l("One bag of things we no longer use leaves the house each month")),
    ("plants", _l("Watering the houseplants"), _on("WE"), 10, 2, _l("Plants watered weekly; none left to wilt")),
    ("clothes_care", _l("Ironing and clothes care"), _on("SU"), 30, 5, _l("Work clothes for the week ready by Sunday night"), time(17, 0)),
    ("tech", _l("Wi-Fi, devices and passwords"), AS_NEEDED, 30, 10, _l("Updates installed; shared passwords kept in one safe place")),
    ("shared_calendar", _l("Keeping the shared calendar"), AS_NEEDED, 5, 30, _l("Every appointment goes in the shared calendar the day we hear of it")),
)  # fmt: skip

_OUT = (
    ("groceries", _l("Grocery shopping"), _on("SA"), 60, 20, _l("Cupboards and fridge stocked for the week's planned meals"), time(10, 0)),
    ("top_up", _l("Top-up shop"), _on("WE"), 20, 10, _l("Never out of milk, bread or fruit"), time(18, 0)),
    ("bins_out", _l("Bins out for collection"), _on("TH"), 5, 5, _l("Bins at the kerb the night before, back in the next day"), time(20, 0)),
    ("bills", _l("Paying bills"), _monthly(1), 30, 20, _l("Every bill paid by its due date; no late fees")),
    ("budget", _l("Monthly money check"), _monthly(-1), 45, 15, _l("Spending looked at together once a month, without blame")),
    ("post", _l("Post and paperwork"), _on("WE"), 15, 15, _l("Post opened within the week; anything needing action goes on the list"), time(19, 0)),
    ("car_fuel", _l("Fuel or charging for the car"), AS_NEEDED, 15, 5, _l("Never below a quarter of a tank or charge")),
    ("car_service", _l("Car service, tyres and inspection"), AS_NEEDED, 120, 10, _l("Service and inspection booked before they are due")),
    ("car_clean", _l("Cleaning the car"), _monthly(15), 40, 2, _l("Rubbish out and seats vacuumed once a month")),
    ("garden", _l("Mowing and garden upkeep"), _on("SA"), 60, 10, _l("Grass cut and paths clear every week in the growing season")),
    ("weeding", _l("Weeding and planting"), _every(2, "SU"), 45, 10, _l("Beds weeded every fortnight from spring to autumn")),
    ("seasonal_outdoor", _l("Leaves, snow and gutters"), AS_NEEDED, 60, 5, _l("Paths safe to walk; gutters cleared in spring and autumn")),
    ("own_health", _l("Our own doctor and dentist visits"), AS_NEEDED, 30, 10, _l("Check-ups booked when due, for both of us")),
    ("pharmacy", _l("Prescriptions and pharmacy runs"), AS_NEEDED, 20, 10, _l("Nobody runs out of regular medicine")),
    ("errands", _l("Returns, parcels and errands"), AS_NEEDED, 30, 10, _l("Returns sent back inside their window")),
    ("contracts", _l("Insurance, energy and phone contracts"), AS_NEEDED, 60, 10, _l("Renewals checked a month before they end")),
    ("taxes", _l("Tax return and official forms"), AS_NEEDED, 180, 15, _l("Filed before the deadline, receipts kept in one folder")),
    ("tradespeople", _l("Tradespeople and the landlord"), AS_NEEDED, 30, 20, _l("Calls returned within two days; someone home for booked visits")),
    ("tip_runs", _l("Trips to the tip and charity shop"), AS_NEEDED, 60, 5, _l("Bags waiting by the door are gone within a week")),
    ("trip_packing", _l("Packing and unpacking for trips"), AS_NEEDED, 90, 30, _l("One shared packing list; bags unpacked within two days of getting home")),
)  # fmt: skip

_CAREGIVING = (
    ("kids_morning", _l("Getting the children ready in the morning"), WEEKDAYS, 30, 10, _l("Dressed, fed and teeth brushed by 8:00"), time(7, 0), KIDS),
    ("school_lunches", _l("School lunches"), WEEKDAYS, 15, 30, _l("Lunches packed by 8:00"), time(7, 30), KIDS),
    ("school_drop_off", _l("School drop-off"), WEEKDAYS, 30, 10, _l("At the gate before the bell, with bag and coat"), time(8, 15), KIDS),
    ("school_pick_up", _l("School pick-up"), WEEKDAYS, 30, 10, _l("Someone is at the gate at home time, and the school knows who"), time(15, 15), KIDS),
    ("homework", _l("Homework and reading"), WEEKDAYS, 20, 15, _l("Reading done and homework handed in on time"), time(17, 0), KIDS),
    ("bedtime", _l("Children's bedtime"), DAILY, 45, 5, _l("Bath, story and lights out at the agreed time"), time(19, 0), KIDS),
    ("night_wakings", _l("Night wake-ups"), DAILY, 20, 5, _l("Whoever is on nights gets up; the other one sleeps"), None, KIDS),
    ("school_admin", _l("School emails, forms and payments"), _on("MO"), 20, 40, _l("Every form signed and every payment made before its deadline"), time(20, 0), KIDS),
    ("activities", _l("After-school clubs and lessons"), _on("TU", "TH"), 60, 20, _l("Kit packed and child there on time"), time(16, 0), KIDS),
    ("kids_clothes", _l("Clothes and shoes that fit"), AS_NEEDED, 60, 20, _l("Every child has shoes that fit and a coat for the weather"), None, KIDS),
    ("kids_health", _l("Children's check-ups and vaccinations"), AS_NEEDED, 60, 15, _l("Doctor, dentist and vaccinations booked when due"), None, KIDS),
    ("sick_days", _l("Staying home with a sick child"), AS_NEEDED, 240, 30, _l("We decide together, the night before if we can, who stays home"), None, KIDS),
    ("childcare", _l("Babysitters and childcare cover"), AS_NEEDED, 30, 20, _l("Cover arranged at least two days ahead"), None, KIDS),
    ("playdates", _l("Playdates and children's friendships"), AS_NEEDED, 30, 15, _l("Invitations answered within a few days"), None, KIDS),
    ("pet_feeding", _l("Feeding the pets"), DAILY, 10, 5, _l("Fresh water and food morning and evening"), time(7, 30), PETS),
    ("dog_walks", _l("Walking the dog"), DAILY, 40, 5, _l("Two walks a day, one of them a long one"), time(7, 0), PETS),
    ("pet_cleaning", _l("Litter tray, cage or garden clean-up"), _on("MO", "TH"), 10, 2, _l("Cleaned before anyone can smell it"), None, PETS),
    ("pet_health", _l("Vet visits and flea and worm treatments"), _monthly(1), 20, 10, _l("Treatments given on the 1st; vaccinations never lapse"), None, PETS),
    ("pet_supplies", _l("Pet food and supplies"), AS_NEEDED, 20, 10, _l("Never down to the last few days of food"), None, PETS),
    ("pet_sitting", _l("Pet care while we are away"), AS_NEEDED, 30, 20, _l("A sitter or kennel booked before the trip is"), None, PETS),
    ("elder_check_in", _l("Checking in on an older relative"), _on("SU"), 30, 15, _l("A call or visit every week, and we know how they really are"), time(11, 0), ELDERS),
    ("elder_help", _l("Helping an older relative at home"), _on("SA"), 120, 20, _l("Their shopping, post and small jobs handled each week"), None, ELDERS),
    ("elder_health", _l("An older relative's appointments and medicines"), AS_NEEDED, 90, 30, _l("Appointments kept and medicines never run out"), None, ELDERS),
)  # fmt: skip

_MAGIC = (
    ("birthdays", _l("Birthdays and anniversaries"), AS_NEEDED, 60, 30, _l("Cards and gifts on time; nobody close is forgotten")),
    ("gifts", _l("Gifts for holidays and occasions"), AS_NEEDED, 90, 20, _l("Gifts bought and wrapped a week ahead")),
    ("date_night", _l("Date night"), _every(2, "FR"), 120, 20, _l("Time for just the two of us every fortnight, even if it is a walk"), time(19, 30)),
    ("thank_you", _l("Thank-you notes and messages"), AS_NEEDED, 15, 5, _l("Thanks sent within a week of a gift or a kindness")),
    ("traditions", _l("Holiday traditions and celebrations"), AS_NEEDED, 180, 30, _l("We agree early which traditions matter and which can go")),
    ("weekend_together", _l("Weekend time together"), _on("SU"), 180, 20, _l("One half-day each weekend planned for fun, not chores"), time(10, 0)),
    ("friends", _l("Keeping up with friends"), AS_NEEDED, 60, 20, _l("Invitations answered within a few days")),
    ("hosting", _l("Having guests to stay"), AS_NEEDED, 180, 45, _l("Guest bed made and a meal planned before anyone arrives")),
    ("wider_family", _l("Keeping in touch with the wider family"), _on("SU"), 20, 10, _l("Messages answered and news shared each week")),
    ("holidays", _l("Planning holidays and trips"), AS_NEEDED, 120, 30, _l("Dates agreed and booked early enough to be affordable")),
    ("photos", _l("Photos and memories"), _monthly(-1), 30, 5, _l("Photos backed up every month; a few favourites printed each year")),
    ("community", _l("Community, charity and volunteering"), AS_NEEDED, 60, 10, _l("We say yes only to what we can do well")),
    ("kids_parties", _l("Children's birthday parties"), AS_NEEDED, 120, 30, _l("Replies sent, a present bought and the child gets there"), None, KIDS),
    ("school_events", _l("School performances and special days"), AS_NEEDED, 90, 15, _l("One of us is there, or the child knows why not"), None, KIDS),
    ("little_surprises", _l("Tooth fairy and little surprises"), AS_NEEDED, 15, 10, _l("No lost tooth goes unnoticed"), None, KIDS),
)  # fmt: skip

_WILD = (
    ("moving", _l("Moving house"), AS_NEEDED, 600, 240, _l("One shared checklist; address changes and utilities done before moving day")),
    ("new_baby", _l("Expecting a baby"), AS_NEEDED, 300, 180, _l("Hospital bag packed and parental leave agreed by week 36")),
    ("illness", _l("Serious illness in the family"), AS_NEEDED, 300, 180, _l("The person who is ill rests; everything else is shared out or dropped")),
    ("job_change", _l("A new job, or losing one"), AS_NEEDED, 120, 120, _l("Budget and routines looked at together within two weeks")),
    ("renovation", _l("Renovation or a big repair"), AS_NEEDED, 240, 120, _l("One of us is the builders' contact; costs tracked in one place")),
    ("bereavement", _l("A death in the family"), AS_NEEDED, 300, 180, _l("Arrangements shared out; time off agreed for grief")),
    ("big_event", _l("A wedding or milestone celebration"), AS_NEEDED, 240, 120, _l("Guest list and budget agreed before anything is booked")),
    ("new_pet", _l("Bringing home a new pet"), AS_NEEDED, 240, 60, _l("Vet, food and who feeds and walks it agreed before it arrives")),
    ("wills", _l("Wills and guardianship"), ONCE, 240, 30, _l("Wills signed and kept where both of us can find them")),
    ("emergency", _l("A household emergency"), AS_NEEDED, 240, 60, _l("Insurer called within a day; the house safe to live in")),
    ("new_school", _l("Starting nursery or a new school"), AS_NEEDED, 180, 90, _l("Uniform, forms and settling-in days sorted a week before"), None, KIDS),
    ("elder_more_care", _l("An older relative needing more care"), AS_NEEDED, 300, 180, _l("A plan agreed with the family, with outside help where it is needed"), None, ELDERS),
)  # fmt: skip


# How much each card can give in a hard week. A card not listed must happen as agreed:
# children's and pets' care, medicine, school runs, bills and anything with a deadline.
_WAITS = Flexibility(can_wait=True)
CLEANER = _l("a cleaner")
FLEXIBILITY: dict[str, Flexibility] = {
    "dishes": Flexibility(simpler=_l("paper plates, or soak the pans until morning")),
    "breakfast": Flexibility(simpler=_l("cereal and fruit")),
    "dinner": Flexibility(
        simpler=_l("sandwiches, leftovers or a ready meal instead of cooking"),
        help_from=_l("a takeaway or a meal delivery"),
    ),
    "meal_plan": Flexibility(simpler=_l("last week's easy dinners again")),
    "tidy": Flexibility(can_wait=True, simpler=_l("just the table and the sofa")),
    "laundry_wash": Flexibility(
        simpler=_l("only the essentials: underwear, socks and work clothes"),
        help_from=_l("a laundry service"),
    ),
    "laundry_away": Flexibility(can_wait=True, simpler=_l("clean clothes stay in the basket")),
    "bed_linen": _WAITS,
    "towels": _WAITS,
    "bathroom": Flexibility(can_wait=True, simpler=_l("toilet and sink only"), help_from=CLEANER),
    "kitchen_clean": Flexibility(
        can_wait=True, simpler=_l("a wipe of the counters"), help_from=CLEANER
    ),
    "fridge": _WAITS,
    "floors": Flexibility(can_wait=True, simpler=_l("vacuum where it shows"), help_from=CLEANER),
    "dusting": Flexibility(can_wait=True, help_from=CLEANER),
    "windows": Flexibility(can_wait=True, help_from=_l("a window cleaner")),
    "oven_fridge": Flexibility(can_wait=True, help_from=CLEANER),
    "supplies": Flexibility(help_from=_l("an online order")),
    "repairs": Flexibility(can_wait=True, help_from=_l("a handyperson")),
    "declutter": _WAITS,
    "plants": _WAITS,
    "clothes_care": Flexibility(can_wait=True, simpler=_l("only what Monday needs")),
    "tech": _WAITS,
    "groceries": Flexibility(
        simpler=_l("a smaller shop for simple meals"), help_from=_l("an online grocery delivery")
    ),
    "top_up": Flexibility(simpler=_l("just milk and bread"), help_from=_l("a delivery")),
    "budget": _WAITS,
    "post": _WAITS,
    "car_service": _WAITS,
    "car_clean": Flexibility(can_wait=True, help_from=_l("a car wash")),
    "garden": Flexibility(can_wait=True, help_from=_l("a gardener")),
    "weeding": _WAITS,
    "pharmacy": Flexibility(help_from=_l("the pharmacy's delivery")),
    "errands": _WAITS,
    "contracts": _WAITS,
    "tradespeople": _WAITS,
    "tip_runs": _WAITS,
    "school_drop_off": Flexibility(help_from=_l("grandparents or another school parent")),
    "school_pick_up": Flexibility(help_from=_l("grandparents or another school parent")),
    "childcare": Flexibility(help_from=_l("a sitter or grandparents")),
    "activities": Flexibility(help_from=_l("a lift with another parent")),
    "dog_walks": Flexibility(help_from=_l("a dog walker")),
    "elder_help": Flexibility(help_from=_l("another relative or a carer")),
    "gifts": Flexibility(simpler=_l("a gift card or an online order")),
    "date_night": Flexibility(simpler=_l("a walk instead of dinner out"), together=True),
    "thank_you": _WAITS,
    "traditions": Flexibility(simpler=_l("the one tradition that matters most")),
    "weekend_together": Flexibility(
        simpler=_l("a film at home instead of a half-day out"), together=True
    ),
    "friends": _WAITS,
    "hosting": Flexibility(simpler=_l("a takeaway instead of cooking for guests")),
    "wider_family": _WAITS,
    "holidays": _WAITS,
    "photos": _WAITS,
    "community": _WAITS,
    "kids_parties": Flexibility(simpler=_l("a shop-bought present and a shorter visit")),
}


def flexibility(key: str | None) -> Flexibility:
    """A card's flexibility, its words in the current language; anything else must happen as
    agreed until someone says otherwise."""
    flex = FLEXIBILITY.get(key or "", Flexibility())
    help_from = None if flex.help_from is None else str(flex.help_from)
    return replace(flex, simpler=str(flex.simpler), help_from=help_from)


def _build() -> tuple[StarterItem, ...]:
    # Rows mix types (text, minutes, an optional time and tag), so they are typed loosely.
    groups: tuple[tuple[str, tuple[tuple[Any, ...], ...]], ...]
    groups = (("home", _HOME), ("out", _OUT), ("caregiving", _CAREGIVING))
    groups += (("magic", _MAGIC), ("wild", _WILD))
    return tuple(StarterItem(row[0], area, *row[1:]) for area, rows in groups for row in rows)


STARTER_DECK: tuple[StarterItem, ...] = _build()


def by_area() -> dict[str, list[StarterItem]]:
    """The deck grouped by area key, areas and items in deck order."""
    grouped: dict[str, list[StarterItem]] = defaultdict(list)
    for item in STARTER_DECK:
        grouped[item.area].append(item)
    return {area.key: grouped[area.key] for area in AREAS}
