"""What a household's export holds, table by table (docs/export-format.md).

Each section is one table: the columns copied as they are, the links to other sections
(written as refs, never database ids), and the order its records are numbered in.

Tables and why they are in or out:
- household: exported (name, zone, week start, planning slot); `version` is a change
  counter that restarts, so it is left out.
- member: exported without password_hash and session_secret (secrets; a restored member
  sets a new password through "forgot password").
- area, responsibility, responsibility_allowed_member (as `allowed_members`): exported.
- week_plan, plan_item, plan_occurrence, check_in, veto, plan_change, away_time:
  exported; `version`, `sequence` and `updated_at` are change counters and bookkeeping
  that a restore starts afresh.
- self_care_slot, self_care_week: exported (moves, skips, outcomes); `sequence` as above.
- calendar_import: exported with its stored .ics bytes (base64); busy_block: exported
  (the busy times read from it).
- channel_choice: exported (how each member hears about each kind of reminder).
- feed_token, feed_cache: left out (secret URLs, and the feeds' bytes built from them;
  members make new ones).
- push_subscription: left out (device keys bound to this server's VAPID key).
- invite: left out (token hashes; an open invite is sent again if still wanted).
- reminder, reminder_horizon: left out (the outbox; derived again from the slots).
- login_throttle: left out (sign-in attempts, not the household's data).
- api_token: left out (secrets: key hashes that open the API; members make new ones).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from planner.household.services import SETTINGS
from planner.models import (
    Area,
    AwayTime,
    BusyBlock,
    CalendarImport,
    ChannelChoice,
    CheckIn,
    Member,
    PlanChange,
    PlanItem,
    PlanOccurrence,
    Responsibility,
    SelfCareSlot,
    SelfCareWeek,
    Veto,
    WeekPlan,
)

FORMAT = "planner-household"
VERSION = 1
HOUSEHOLD_FIELDS = (*SETTINGS, "created_at")


@dataclass(frozen=True)
class Section:
    key: str  # the document's key, e.g. "members"
    model: Any
    prefix: str  # refs are f"{prefix}-{n}"
    fields: tuple[str, ...]
    links: dict[str, str] = field(default_factory=dict)  # column -> section key
    lists: dict[str, str] = field(default_factory=dict)  # relationship -> section key
    order: tuple[str, ...] = ("id",)
    unique: tuple[tuple[str, ...], ...] = ()  # keys (fields or links) unique in the section
    most: int = 100_000  # how many records a household may sensibly have

    def columns(self) -> tuple[str, ...]:
        return (*self.fields, *self.links)


SECTIONS: tuple[Section, ...] = (
    Section(
        "members",
        Member,
        "member",
        (
            "display_name",
            "email",
            "colour",
            "selfcare_reminder_minutes",
            "planning_reminder_minutes",
            "feed_day_list",
            "created_at",
        ),
        order=("created_at", "id"),
        unique=(("email",),),
        most=50,
    ),
    Section(
        "channel_choices",
        ChannelChoice,
        "channel",
        ("kind", "email", "push"),
        links={"member_id": "members"},
        order=("member_id", "kind"),
        unique=(("member_id", "kind"),),
        most=1_000,
    ),
    Section(
        "areas",
        Area,
        "area",
        ("key", "name", "description", "position"),
        order=("position", "id"),
        most=200,
    ),
    Section(
        "responsibilities",
        Responsibility,
        "responsibility",
        (
            "title",
            "rrule",
            "starts_on",
            "preferred_time",
            "effort_minutes",
            "mental_load_minutes",
            "pinned",
            "can_wait",
            "simpler",
            "help_from",
            "together",
            "minimum_standard",
            "notes",
            "starter_key",
            "archived_at",
            "created_at",
        ),
        links={"area_id": "areas", "default_owner_id": "members"},
        lists={"allowed_members": "members"},
        order=("created_at", "id"),
        most=10_000,
    ),
    Section(
        "week_plans",
        WeekPlan,
        "week",
        ("week_start", "status", "agreed_at", "created_at"),
        order=("week_start", "id"),
        unique=(("week_start",),),
        most=5_000,
    ),
    Section(
        "check_ins",
        CheckIn,
        "checkin",
        (
            "state",
            "capacity",
            "midweek_state",
            "midweek_help",
            "midweek_at",
            "what_would_help",
            "fairness",
            "appreciation",
            "agreed_at",
        ),
        links={"week_plan_id": "week_plans", "member_id": "members"},
        unique=(("week_plan_id", "member_id"),),
    ),
    Section(
        "plan_items",
        PlanItem,
        "item",
        (
            "title",
            "effort_minutes",
            "mental_load_minutes",
            "pinned",
            "minimum_standard",
            "kindness",
            "kindness_note",
            "waited",
        ),
        links={
            "week_plan_id": "week_plans",
            "responsibility_id": "responsibilities",
            "owner_id": "members",
        },
        most=500_000,
    ),
    Section(
        "occurrences",
        PlanOccurrence,
        "occurrence",
        (
            "on_date",
            "starts_at",
            "state",
            "done_at",
            "skip_reason",
            "taken_at",
            "asked_at",
            "ask_reason",
        ),
        links={
            "plan_item_id": "plan_items",
            "done_by_id": "members",
            "taken_by_id": "members",
            "asked_to_id": "members",
            "asked_by_id": "members",
        },
        most=1_000_000,
    ),
    Section(
        "vetoes",
        Veto,
        "veto",
        (),
        links={
            "week_plan_id": "week_plans",
            "plan_item_id": "plan_items",
            "member_id": "members",
            "to_member_id": "members",
        },
        unique=(("plan_item_id", "to_member_id"),),
    ),
    Section(
        "plan_changes",
        PlanChange,
        "change",
        ("at", "text"),
        links={"week_plan_id": "week_plans", "member_id": "members"},
        order=("at", "id"),
        most=500_000,
    ),
    Section(
        "away_times",
        AwayTime,
        "away",
        ("first_day", "last_day", "note", "created_at"),
        links={"member_id": "members"},
        order=("created_at", "id"),
        most=10_000,
    ),
    Section(
        "self_care_slots",
        SelfCareSlot,
        "slot",
        ("title", "weekday", "start_time", "minutes", "created_at", "archived_at"),
        links={"member_id": "members"},
        order=("created_at", "id"),
        most=1_000,
    ),
    Section(
        "self_care_weeks",
        SelfCareWeek,
        "slot-week",
        ("week_start", "original_start", "status", "moved_start", "outcome"),
        links={"slot_id": "self_care_slots"},
        unique=(("slot_id", "week_start"),),
    ),
    Section(
        "calendar_imports",
        CalendarImport,
        "calendar",
        (
            "name",
            "source_url",
            "ics_data",
            "refresh_minutes",
            "last_fetched_at",
            "last_error",
            "created_at",
        ),
        links={"member_id": "members"},
        order=("created_at", "id"),
        most=200,
    ),
    Section(
        "busy_blocks",
        BusyBlock,
        "busy",
        ("starts_at", "ends_at", "summary"),
        links={"import_id": "calendar_imports", "member_id": "members"},
        order=("starts_at", "id"),
    ),
)
BY_KEY = {section.key: section for section in SECTIONS}


# Tables an export leaves out, each for the reason given at the top of this module.
LEFT_OUT = frozenset(
    {
        "feed_token",
        "feed_cache",
        "push_subscription",
        "invite",
        "reminder",
        "reminder_horizon",
        "login_throttle",
        "api_token",
    }
)
