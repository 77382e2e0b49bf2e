"""What the API takes and gives: pydantic models that validate each request and, through
spectree, make the OpenAPI document (planner.api.spec). One model per shape."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    model_validator,
)

from planner.access import MAX_ID
from planner.domain.cadence import CADENCE_KINDS
from planner.domain.text import clean_text
from planner.domain.vocabulary import CheckInState, OccurrenceState, PlanState
from planner.i18n import _

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
CadenceKind = Literal[CADENCE_KINDS]  # type: ignore[valid-type]


def _clean(value: str) -> str:
    return str(clean_text(value))


def _clean_lines(value: str) -> str:
    return str(clean_text(value, multiline=True))


WALL_TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


def _wall_time(value: object) -> time:
    """Times are the household's wall clock, "HH:MM": no offset (that would be another zone)."""
    if isinstance(value, time):
        return value
    if not isinstance(value, str) or not re.fullmatch(WALL_TIME, value):
        raise ValueError(_("Give a time of day like 18:30."))
    return time.fromisoformat(value)


def Text(max_length: int, min_length: int = 0, lines: bool = False):  # noqa: N802
    """Typed text: cleaned by the one rule forms apply; required text must keep something."""
    return Annotated[
        str,
        Field(min_length=min_length, max_length=max_length),
        AfterValidator(_clean_lines if lines else _clean),
        AfterValidator(_something if min_length else _as_is),
    ]


def _something(value: str) -> str:
    if not value:
        raise ValueError(_("Say something here."))
    return value


def _as_is(value: str) -> str:
    return value


LocalTime = Annotated[
    time,
    BeforeValidator(_wall_time),
    PlainSerializer(lambda t: t.strftime("%H:%M"), return_type=str),
    WithJsonSchema({"type": "string", "pattern": WALL_TIME, "examples": ["18:30"]}),
]


class Body(BaseModel):
    """A request body or query: unknown fields are a mistake worth telling."""

    model_config = ConfigDict(extra="forbid")


# -- errors ---------------------------------------------------------------------------


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable, for programs: not_found, invalid, conflict, …")
    message: str = Field(description="For people: what went wrong and what to do.")
    field: str | None = Field(None, description="The request field it is about, if any.")


class ErrorBody(BaseModel):
    """Every error under /api/v1 has this shape."""

    error: ErrorDetail


# -- household ------------------------------------------------------------------------


class MemberOut(BaseModel):
    id: int
    display_name: str
    colour: str
    you: bool = Field(description="Whether this is the member the token belongs to.")


class HouseholdOut(BaseModel):
    id: int
    name: str
    timezone: str
    week_start: int = Field(ge=0, le=6, description="0 = Monday … 6 = Sunday")
    today: date = Field(description="Today in the household's time zone.")
    members: list[MemberOut]


# -- the week -------------------------------------------------------------------------


class WeekQuery(Body):
    week: date | None = Field(None, description="Any day of the week; default this week.")


class OccurrenceOut(BaseModel):
    """One day of one item of a week plan."""

    id: int
    item_id: int
    responsibility_id: int | None
    title: str
    on_date: date
    starts_at: datetime | None = Field(description="None: any time that day.")
    state: OccurrenceState
    owner_id: int | None = Field(description="The item's agreed owner.")
    holder_id: int | None = Field(description="Who does this day: a taker, else the owner.")
    together: bool
    kindness: str = Field(description="The week's kindness choice in words, or empty.")
    done_by_id: int | None
    skip_reason: str
    asked_to_id: int | None = Field(description="Waiting for this member's yes or no.")
    asked_by_id: int | None
    ask_reason: str


class WeekOut(BaseModel):
    week_start: date
    status: PlanState | None = Field(description="None: no plan for this week yet.")
    version: int | None = Field(description="Grows with every change of the plan.")
    occurrences: list[OccurrenceOut]


class AskOut(BaseModel):
    """A "Can you take it?" waiting for an answer: one item, one or more days."""

    item_id: int
    title: str
    partner_id: int | None
    occurrence_ids: list[int]
    reason: str


class CheckInOut(BaseModel):
    member_id: int
    state: CheckInState | None
    capacity: int | None
    what_would_help: str
    midweek: bool = Field(description="Whether the latest word was said mid-week.")


class TodayOut(BaseModel):
    today: date
    status: PlanState | None
    mine: list[OccurrenceOut]
    theirs: list[OccurrenceOut] = Field(description="Partners' open things today.")
    waiting_for_me: list[AskOut]
    my_asks: list[AskOut]
    checkins: list[CheckInOut]


class CheckInsOut(BaseModel):
    week_start: date
    checkins: list[CheckInOut]


class CheckInIn(Body):
    state: CheckInState
    what_would_help: Text(500, lines=True) = ""  # type: ignore[valid-type]


class CheckInResult(BaseModel):
    checkin: CheckInOut
    asks_proposed: int = Field(description="Days the partner was asked to take.")


class SkipIn(Body):
    reason: Text(300, 1)  # type: ignore[valid-type]


class TakeIn(Body):
    rest_of_week: bool = False


class AskIn(Body):
    to_member_id: Id
    rest_of_week: bool = False
    reason: Text(300) = ""  # type: ignore[valid-type]


class AnswerIn(Body):
    accept: bool


class DaysOut(BaseModel):
    """The days a handover changed (none: it had happened already)."""

    occurrences: list[OccurrenceOut]


# -- self-care and time together ------------------------------------------------------


class SlotOut(BaseModel):
    id: int
    title: str
    member_id: int | None = Field(description="None: time together, for both.")
    together: bool
    weekday: int = Field(ge=0, le=6)
    start_time: LocalTime
    minutes: int
    version: int = Field(description="Send it back with an edit.")


class SlotWeekOut(BaseModel):
    slot_id: int
    member_id: int | None
    title: str
    start: datetime
    end: datetime
    status: str
    outcome: str | None


class SelfCareOut(BaseModel):
    week_start: date
    slots: list[SlotOut]
    this_week: list[SlotWeekOut]


class SlotIn(Body):
    title: Text(80, 1)  # type: ignore[valid-type]
    weekday: int = Field(ge=0, le=6)
    start_time: LocalTime
    minutes: int = Field(ge=15, le=600)
    together: bool = False


class SlotPatch(Body):
    version: int = Field(ge=0, le=MAX_ID, description="The version you read.")
    title: Text(80, 1) | None = None  # type: ignore[valid-type]
    weekday: int | None = Field(None, ge=0, le=6)
    start_time: LocalTime | None = None
    minutes: int | None = Field(None, ge=15, le=600)


# -- responsibilities -----------------------------------------------------------------


class ResponsibilityFields(Body):
    """What the inventory's edit page edits, with its limits."""

    title: Text(120, 1)  # type: ignore[valid-type]
    area_id: Id
    cadence_kind: CadenceKind
    weekdays: list[int] = Field(default_factory=list, max_length=7)
    interval: int | None = Field(None, ge=2, le=12)
    month_day: int | None = Field(None, ge=-1, le=28)
    starts_on: date
    preferred_time: LocalTime | None = None
    effort_minutes: int = Field(15, ge=0, le=600)
    mental_load_minutes: int = Field(5, ge=0, le=1200)
    default_owner_id: Id | None = None
    pinned: bool = False
    allowed_member_ids: list[Id] = Field(default_factory=list, max_length=20)
    minimum_standard: Text(300) = ""  # type: ignore[valid-type]
    notes: Text(2000, lines=True) = ""  # type: ignore[valid-type]
    can_wait: bool = False
    simpler: Text(200) = ""  # type: ignore[valid-type]
    can_outsource: bool = False
    help_from: Text(200) = ""  # type: ignore[valid-type]
    together: bool = False

    @model_validator(mode="after")
    def _fits_together(self) -> ResponsibilityFields:
        problem = responsibility_problem(self.model_dump())
        if problem:
            raise ValueError(problem[1])
        return self


def responsibility_problem(data: dict) -> tuple[str, str] | None:
    """The edit page's rules across fields: the field at fault and what to do, if any."""
    if any(not 0 <= d <= 6 for d in data["weekdays"]):
        return "weekdays", _("weekdays are 0 (Monday) to 6 (Sunday).")
    kind = data["cadence_kind"]
    if kind in ("weekly", "every_n_weeks") and not data["weekdays"]:
        return "weekdays", _("weekdays: tick at least one day.")
    if kind == "every_n_weeks" and not data["interval"]:
        return "interval", _("interval: say every how many weeks, from 2 to 12.")
    if data["month_day"] == 0:
        return "month_day", _("month_day is 1 to 28, or -1 for the last day.")
    owner = data["default_owner_id"]
    if data["pinned"] and owner is None:
        return "pinned", _("pinned: a pinned responsibility needs a usual owner.")
    allowed = data["allowed_member_ids"]
    if owner is not None and allowed and owner not in allowed:
        return "allowed_member_ids", (
            _("allowed_member_ids: include the usual owner among who can hold it.")
        )
    return None


class ResponsibilityIn(ResponsibilityFields):
    pass


class ResponsibilityPatch(Body):
    """Only the fields to change, and the version read: a stale one is a 409."""

    version: str = Field(min_length=1, max_length=64, description="The version you read.")
    title: Text(120, 1) | None = None  # type: ignore[valid-type]
    area_id: Id | None = None
    cadence_kind: CadenceKind | None = None
    weekdays: list[int] | None = Field(None, max_length=7)
    interval: int | None = Field(None, ge=2, le=12)
    month_day: int | None = Field(None, ge=-1, le=28)
    starts_on: date | None = None
    preferred_time: LocalTime | None = None
    effort_minutes: int | None = Field(None, ge=0, le=600)
    mental_load_minutes: int | None = Field(None, ge=0, le=1200)
    default_owner_id: Id | None = None
    pinned: bool | None = None
    allowed_member_ids: list[Id] | None = Field(None, max_length=20)
    minimum_standard: Text(300) | None = None  # type: ignore[valid-type]
    notes: Text(2000, lines=True) | None = None  # type: ignore[valid-type]
    can_wait: bool | None = None
    simpler: Text(200) | None = None  # type: ignore[valid-type]
    can_outsource: bool | None = None
    help_from: Text(200) | None = None  # type: ignore[valid-type]
    together: bool | None = None


class ResponsibilityOut(BaseModel):
    id: int
    title: str
    area_id: int
    area: str
    cadence: str = Field(description="The cadence in words.")
    cadence_kind: str
    weekdays: list[int]
    interval: int | None
    month_day: int | None
    starts_on: date
    preferred_time: LocalTime | None
    effort_minutes: int
    mental_load_minutes: int
    default_owner_id: int | None
    pinned: bool
    allowed_member_ids: list[int]
    minimum_standard: str
    notes: str
    can_wait: bool
    simpler: str
    can_outsource: bool
    help_from: str
    together: bool
    archived: bool
    version: str = Field(description="Send it back with an edit.")


class ResponsibilityQuery(Body):
    archived: bool = Field(False, description="Include archived responsibilities.")


class ResponsibilitiesOut(BaseModel):
    responsibilities: list[ResponsibilityOut]
