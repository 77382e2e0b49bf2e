"""The starter deck: common household responsibilities a new household can pick from.

Effort is minutes per occurrence of doing it; mental load is minutes per week of
noticing, planning and following up. Wild items carry their weekly load while the
life event is under way; a household adds them only then. Items tagged with
`caregiving_only_if` apply only to households with children, pets or an older
relative they look after.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import time
from typing import Any, NamedTuple

from planner.domain.balance.model import Flexibility


class StarterArea(NamedTuple):
    key: str
    name: str
    description: str


AREAS: tuple[StarterArea, ...] = (
    StarterArea(
        "home", "Home", "Everything inside the house: cooking, cleaning, laundry, supplies."
    ),
    StarterArea(
        "out", "Out", "Errands, the car, the garden, money and admin with the outside world."
    ),
    StarterArea("caregiving", "Caregiving", "Looking after children, pets and older relatives."),
    StarterArea("magic", "Magic", "The special things: birthdays, gifts, date nights, traditions."),
    StarterArea("wild", "Wild", "Life events that take over for a while: a move, a baby, illness."),
)

CAREGIVING_TAGS = ("children", "pets", "elders")
KIDS, PETS, ELDERS = CAREGIVING_TAGS


@dataclass(frozen=True)
class StarterItem:
    key: str
    area: str
    title: str
    rrule: str | None  # None: as needed
    effort_minutes: int
    mental_load_minutes: int
    minimum_standard: str
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
    ("dishes", "Dishes", DAILY, 20, 10, "Sink empty and counters wiped before bed", time(20, 30)),
    ("dishwasher", "Emptying the dishwasher", DAILY, 10, 2, "Emptied by breakfast so dirty cups go straight in", time(7, 30)),
    ("breakfast", "Weekday breakfasts", WEEKDAYS, 15, 5, "Breakfast out, eaten and cleared by 8:30", time(7, 15)),
    ("dinner", "Cooking dinner", DAILY, 45, 20, "A simple hot meal by 19:00; leftovers count", time(18, 0)),
    ("meal_plan", "Planning the week's meals", _on("SA"), 30, 45, "Dinners for the week decided and their ingredients on the list", time(9, 0)),
    ("shopping_list", "Keeping the shopping list", AS_NEEDED, 5, 20, "Anything that runs low goes on the shared list the same day"),
    ("tidy", "Evening tidy of shared rooms", DAILY, 15, 5, "Floor, table and sofa clear before bed", time(21, 0)),
    ("laundry_wash", "Washing and drying laundry", _on("MO", "TH"), 30, 15, "Nobody runs out of clean underwear, socks or work clothes", time(19, 0)),
    ("laundry_away", "Folding and putting laundry away", _on("TU", "FR"), 20, 5, "Dry laundry folded and put away within a day"),
    ("bed_linen", "Changing the bed linen", _every(2, "SA"), 30, 5, "Fresh sheets on every bed every two weeks"),
    ("towels", "Fresh towels", _on("SA"), 10, 2, "Clean hand and bath towels out every week"),
    ("bathroom", "Cleaning the bathroom", _on("SA"), 40, 5, "Toilet, sink, shower and mirror clean; bin emptied"),
    ("kitchen_clean", "Deep-cleaning the kitchen", _on("SU"), 40, 5, "Hob, microwave, counters and floor clean; nothing sticky"),
    ("fridge", "Clearing out the fridge", _on("FR"), 15, 5, "Nothing out of date or mouldy before the big shop"),
    ("floors", "Vacuuming and mopping", _on("SA"), 45, 5, "Floors vacuumed every week; kitchen and bathroom mopped"),
    ("dusting", "Dusting", _every(2, "SU"), 30, 2, "Shelves, sills and screens dust-free to a quick finger test"),
    ("bins_inside", "Emptying bins and sorting recycling", _on("MO", "TH"), 10, 5, "No bin overflowing; recycling rinsed and sorted"),
    ("windows", "Cleaning windows and mirrors", _monthly(15), 45, 5, "Windows clear enough to enjoy the view, inside, every month"),
    ("oven_fridge", "Scrubbing the oven and fridge", _every(12, "SA"), 60, 5, "Oven and fridge cleaned out properly every three months"),
    ("supplies", "Household supplies", AS_NEEDED, 15, 15, "Never down to the last toilet roll, bin bag or dishwasher tablet"),
    ("repairs", "Small repairs and DIY", AS_NEEDED, 60, 20, "Anything broken is fixed, or someone booked, within two weeks"),
    ("declutter", "Decluttering and donating", _monthly(-1), 60, 10, "One bag of things we no longer use leaves the house each month"),
    ("plants", "Watering the houseplants", _on("WE"), 10, 2, "Plants watered weekly; none left to wilt"),
    ("clothes_care", "Ironing and clothes care", _on("SU"), 30, 5, "Work clothes for the week ready by Sunday night", time(17, 0)),
    ("tech", "Wi-Fi, devices and passwords", AS_NEEDED, 30, 10, "Updates installed; shared passwords kept in one safe place"),
    ("shared_calendar", "Keeping the shared calendar", AS_NEEDED, 5, 30, "Every appointment goes in the shared calendar the day we hear of it"),
)  # fmt: skip

_OUT = (
    ("groceries", "Grocery shopping", _on("SA"), 60, 20, "Cupboards and fridge stocked for the week's planned meals", time(10, 0)),
    ("top_up", "Top-up shop", _on("WE"), 20, 10, "Never out of milk, bread or fruit", time(18, 0)),
    ("bins_out", "Bins out for collection", _on("TH"), 5, 5, "Bins at the kerb the night before, back in the next day", time(20, 0)),
    ("bills", "Paying bills", _monthly(1), 30, 20, "Every bill paid by its due date; no late fees"),
    ("budget", "Monthly money check", _monthly(-1), 45, 15, "Spending looked at together once a month, without blame"),
    ("post", "Post and paperwork", _on("WE"), 15, 15, "Post opened within the week; anything needing action goes on the list", time(19, 0)),
    ("car_fuel", "Fuel or charging for the car", AS_NEEDED, 15, 5, "Never below a quarter of a tank or charge"),
    ("car_service", "Car service, tyres and inspection", AS_NEEDED, 120, 10, "Service and inspection booked before they are due"),
    ("car_clean", "Cleaning the car", _monthly(15), 40, 2, "Rubbish out and seats vacuumed once a month"),
    ("garden", "Mowing and garden upkeep", _on("SA"), 60, 10, "Grass cut and paths clear every week in the growing season"),
    ("weeding", "Weeding and planting", _every(2, "SU"), 45, 10, "Beds weeded every fortnight from spring to autumn"),
    ("seasonal_outdoor", "Leaves, snow and gutters", AS_NEEDED, 60, 5, "Paths safe to walk; gutters cleared in spring and autumn"),
    ("own_health", "Our own doctor and dentist visits", AS_NEEDED, 30, 10, "Check-ups booked when due, for both of us"),
    ("pharmacy", "Prescriptions and pharmacy runs", AS_NEEDED, 20, 10, "Nobody runs out of regular medicine"),
    ("errands", "Returns, parcels and errands", AS_NEEDED, 30, 10, "Returns sent back inside their window"),
    ("contracts", "Insurance, energy and phone contracts", AS_NEEDED, 60, 10, "Renewals checked a month before they end"),
    ("taxes", "Tax return and official forms", AS_NEEDED, 180, 15, "Filed before the deadline, receipts kept in one folder"),
    ("tradespeople", "Tradespeople and the landlord", AS_NEEDED, 30, 20, "Calls returned within two days; someone home for booked visits"),
    ("tip_runs", "Trips to the tip and charity shop", AS_NEEDED, 60, 5, "Bags waiting by the door are gone within a week"),
    ("trip_packing", "Packing and unpacking for trips", AS_NEEDED, 90, 30, "One shared packing list; bags unpacked within two days of getting home"),
)  # fmt: skip

_CAREGIVING = (
    ("kids_morning", "Getting the children ready in the morning", WEEKDAYS, 30, 10, "Dressed, fed and teeth brushed by 8:00", time(7, 0), KIDS),
    ("school_lunches", "School lunches", WEEKDAYS, 15, 30, "Lunches packed by 8:00", time(7, 30), KIDS),
    ("school_drop_off", "School drop-off", WEEKDAYS, 30, 10, "At the gate before the bell, with bag and coat", time(8, 15), KIDS),
    ("school_pick_up", "School pick-up", WEEKDAYS, 30, 10, "Someone is at the gate at home time, and the school knows who", time(15, 15), KIDS),
    ("homework", "Homework and reading", WEEKDAYS, 20, 15, "Reading done and homework handed in on time", time(17, 0), KIDS),
    ("bedtime", "Children's bedtime", DAILY, 45, 5, "Bath, story and lights out at the agreed time", time(19, 0), KIDS),
    ("night_wakings", "Night wake-ups", DAILY, 20, 5, "Whoever is on nights gets up; the other one sleeps", None, KIDS),
    ("school_admin", "School emails, forms and payments", _on("MO"), 20, 40, "Every form signed and every payment made before its deadline", time(20, 0), KIDS),
    ("activities", "After-school clubs and lessons", _on("TU", "TH"), 60, 20, "Kit packed and child there on time", time(16, 0), KIDS),
    ("kids_clothes", "Clothes and shoes that fit", AS_NEEDED, 60, 20, "Every child has shoes that fit and a coat for the weather", None, KIDS),
    ("kids_health", "Children's check-ups and vaccinations", AS_NEEDED, 60, 15, "Doctor, dentist and vaccinations booked when due", None, KIDS),
    ("sick_days", "Staying home with a sick child", AS_NEEDED, 240, 30, "We decide together, the night before if we can, who stays home", None, KIDS),
    ("childcare", "Babysitters and childcare cover", AS_NEEDED, 30, 20, "Cover arranged at least two days ahead", None, KIDS),
    ("playdates", "Playdates and children's friendships", AS_NEEDED, 30, 15, "Invitations answered within a few days", None, KIDS),
    ("pet_feeding", "Feeding the pets", DAILY, 10, 5, "Fresh water and food morning and evening", time(7, 30), PETS),
    ("dog_walks", "Walking the dog", DAILY, 40, 5, "Two walks a day, one of them a long one", time(7, 0), PETS),
    ("pet_cleaning", "Litter tray, cage or garden clean-up", _on("MO", "TH"), 10, 2, "Cleaned before anyone can smell it", None, PETS),
    ("pet_health", "Vet visits and flea and worm treatments", _monthly(1), 20, 10, "Treatments given on the 1st; vaccinations never lapse", None, PETS),
    ("pet_supplies", "Pet food and supplies", AS_NEEDED, 20, 10, "Never down to the last few days of food", None, PETS),
    ("pet_sitting", "Pet care while we are away", AS_NEEDED, 30, 20, "A sitter or kennel booked before the trip is", None, PETS),
    ("elder_check_in", "Checking in on an older relative", _on("SU"), 30, 15, "A call or visit every week, and we know how they really are", time(11, 0), ELDERS),
    ("elder_help", "Helping an older relative at home", _on("SA"), 120, 20, "Their shopping, post and small jobs handled each week", None, ELDERS),
    ("elder_health", "An older relative's appointments and medicines", AS_NEEDED, 90, 30, "Appointments kept and medicines never run out", None, ELDERS),
)  # fmt: skip

_MAGIC = (
    ("birthdays", "Birthdays and anniversaries", AS_NEEDED, 60, 30, "Cards and gifts on time; nobody close is forgotten"),
    ("gifts", "Gifts for holidays and occasions", AS_NEEDED, 90, 20, "Gifts bought and wrapped a week ahead"),
    ("date_night", "Date night", _every(2, "FR"), 120, 20, "Time for just the two of us every fortnight, even if it is a walk", time(19, 30)),
    ("thank_you", "Thank-you notes and messages", AS_NEEDED, 15, 5, "Thanks sent within a week of a gift or a kindness"),
    ("traditions", "Holiday traditions and celebrations", AS_NEEDED, 180, 30, "We agree early which traditions matter and which can go"),
    ("weekend_together", "Weekend time together", _on("SU"), 180, 20, "One half-day each weekend planned for fun, not chores", time(10, 0)),
    ("friends", "Keeping up with friends", AS_NEEDED, 60, 20, "Invitations answered within a few days"),
    ("hosting", "Having guests to stay", AS_NEEDED, 180, 45, "Guest bed made and a meal planned before anyone arrives"),
    ("wider_family", "Keeping in touch with the wider family", _on("SU"), 20, 10, "Messages answered and news shared each week"),
    ("holidays", "Planning holidays and trips", AS_NEEDED, 120, 30, "Dates agreed and booked early enough to be affordable"),
    ("photos", "Photos and memories", _monthly(-1), 30, 5, "Photos backed up every month; a few favourites printed each year"),
    ("community", "Community, charity and volunteering", AS_NEEDED, 60, 10, "We say yes only to what we can do well"),
    ("kids_parties", "Children's birthday parties", AS_NEEDED, 120, 30, "Replies sent, a present bought and the child gets there", None, KIDS),
    ("school_events", "School performances and special days", AS_NEEDED, 90, 15, "One of us is there, or the child knows why not", None, KIDS),
    ("little_surprises", "Tooth fairy and little surprises", AS_NEEDED, 15, 10, "No lost tooth goes unnoticed", None, KIDS),
)  # fmt: skip

_WILD = (
    ("moving", "Moving house", AS_NEEDED, 600, 240, "One shared checklist; address changes and utilities done before moving day"),
    ("new_baby", "Expecting a baby", AS_NEEDED, 300, 180, "Hospital bag packed and parental leave agreed by week 36"),
    ("illness", "Serious illness in the family", AS_NEEDED, 300, 180, "The person who is ill rests; everything else is shared out or dropped"),
    ("job_change", "A new job, or losing one", AS_NEEDED, 120, 120, "Budget and routines looked at together within two weeks"),
    ("renovation", "Renovation or a big repair", AS_NEEDED, 240, 120, "One of us is the builders' contact; costs tracked in one place"),
    ("bereavement", "A death in the family", AS_NEEDED, 300, 180, "Arrangements shared out; time off agreed for grief"),
    ("big_event", "A wedding or milestone celebration", AS_NEEDED, 240, 120, "Guest list and budget agreed before anything is booked"),
    ("new_pet", "Bringing home a new pet", AS_NEEDED, 240, 60, "Vet, food and who feeds and walks it agreed before it arrives"),
    ("wills", "Wills and guardianship", ONCE, 240, 30, "Wills signed and kept where both of us can find them"),
    ("emergency", "A household emergency", AS_NEEDED, 240, 60, "Insurer called within a day; the house safe to live in"),
    ("new_school", "Starting nursery or a new school", AS_NEEDED, 180, 90, "Uniform, forms and settling-in days sorted a week before", None, KIDS),
    ("elder_more_care", "An older relative needing more care", AS_NEEDED, 300, 180, "A plan agreed with the family, with outside help where it is needed", None, ELDERS),
)  # fmt: skip


# How much each card can give in a hard week. A card not listed must happen as agreed:
# children's and pets' care, medicine, school runs, bills and anything with a deadline.
_WAITS = Flexibility(can_wait=True)
CLEANER = "a cleaner"
FLEXIBILITY: dict[str, Flexibility] = {
    "dishes": Flexibility(simpler="paper plates, or soak the pans until morning"),
    "breakfast": Flexibility(simpler="cereal and fruit"),
    "dinner": Flexibility(
        simpler="sandwiches, leftovers or a ready meal instead of cooking",
        help_from="a takeaway or a meal delivery",
    ),
    "meal_plan": Flexibility(simpler="last week's easy dinners again"),
    "tidy": Flexibility(can_wait=True, simpler="just the table and the sofa"),
    "laundry_wash": Flexibility(
        simpler="only the essentials: underwear, socks and work clothes",
        help_from="a laundry service",
    ),
    "laundry_away": Flexibility(can_wait=True, simpler="clean clothes stay in the basket"),
    "bed_linen": _WAITS,
    "towels": _WAITS,
    "bathroom": Flexibility(can_wait=True, simpler="toilet and sink only", help_from=CLEANER),
    "kitchen_clean": Flexibility(
        can_wait=True, simpler="a wipe of the counters", help_from=CLEANER
    ),
    "fridge": _WAITS,
    "floors": Flexibility(can_wait=True, simpler="vacuum where it shows", help_from=CLEANER),
    "dusting": Flexibility(can_wait=True, help_from=CLEANER),
    "windows": Flexibility(can_wait=True, help_from="a window cleaner"),
    "oven_fridge": Flexibility(can_wait=True, help_from=CLEANER),
    "supplies": Flexibility(help_from="an online order"),
    "repairs": Flexibility(can_wait=True, help_from="a handyperson"),
    "declutter": _WAITS,
    "plants": _WAITS,
    "clothes_care": Flexibility(can_wait=True, simpler="only what Monday needs"),
    "tech": _WAITS,
    "groceries": Flexibility(
        simpler="a smaller shop for simple meals", help_from="an online grocery delivery"
    ),
    "top_up": Flexibility(simpler="just milk and bread", help_from="a delivery"),
    "budget": _WAITS,
    "post": _WAITS,
    "car_service": _WAITS,
    "car_clean": Flexibility(can_wait=True, help_from="a car wash"),
    "garden": Flexibility(can_wait=True, help_from="a gardener"),
    "weeding": _WAITS,
    "pharmacy": Flexibility(help_from="the pharmacy's delivery"),
    "errands": _WAITS,
    "contracts": _WAITS,
    "tradespeople": _WAITS,
    "tip_runs": _WAITS,
    "school_drop_off": Flexibility(help_from="grandparents or another school parent"),
    "school_pick_up": Flexibility(help_from="grandparents or another school parent"),
    "childcare": Flexibility(help_from="a sitter or grandparents"),
    "activities": Flexibility(help_from="a lift with another parent"),
    "dog_walks": Flexibility(help_from="a dog walker"),
    "elder_help": Flexibility(help_from="another relative or a carer"),
    "gifts": Flexibility(simpler="a gift card or an online order"),
    "date_night": Flexibility(simpler="a walk instead of dinner out", together=True),
    "thank_you": _WAITS,
    "traditions": Flexibility(simpler="the one tradition that matters most"),
    "weekend_together": Flexibility(
        simpler="a film at home instead of a half-day out", together=True
    ),
    "friends": _WAITS,
    "hosting": Flexibility(simpler="a takeaway instead of cooking for guests"),
    "wider_family": _WAITS,
    "holidays": _WAITS,
    "photos": _WAITS,
    "community": _WAITS,
    "kids_parties": Flexibility(simpler="a shop-bought present and a shorter visit"),
}


def flexibility(key: str | None) -> Flexibility:
    """A card's flexibility; anything else must happen as agreed until someone says otherwise."""
    return FLEXIBILITY.get(key or "", Flexibility())


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
