"""No household ever sees another's data: every URL rule that takes an id answers 404
to a member of another household. A new rule fails this test until it is covered here."""

from __future__ import annotations

from collections.abc import Callable

from planner.extensions import db
from planner.models import Invite, utcnow
from tests.helpers import committing, login

# Rules whose argument is not a household-owned id, and why.
NOT_OWNED_IDS = {
    "static": "public files",
    "auth.join": "an invite token; wrong tokens are 410 (tested in test_auth)",
    "auth.reset_password": "a signed reset token (tested in test_auth)",
    "feeds.feed": "a secret feed token, no sign-in; other households' tokens (tested in test_feeds)",
    "week.show": "a date: each household sees its own week (tested in test_week)",
    "week.add_one_off": "a date: adds to the member's own household's week (tested in test_week)",
    "week.make_plan": "a date: makes the member's own household's week (tested in test_week)",
}

# argument name -> makes an object owned by household `owner` and returns its id
OWNED_FACTORIES: dict[str, Callable] = {}


def owned(argument: str):
    def register(factory):
        OWNED_FACTORIES[argument] = factory
        return factory

    return register


@owned("invite_id")
def _invite(owner) -> int:
    from datetime import timedelta

    invite = Invite(
        household_id=owner.household_id,
        email="x@example.com",
        token_hash="h" * 64,
        expires_at=utcnow() + timedelta(days=1),
    )
    db.session.add(invite)
    db.session.commit()
    return invite.id


@owned("slot_id")
def _selfcare_slot(owner) -> int:
    from datetime import time

    from planner.models import SelfCareSlot

    slot = SelfCareSlot(
        household_id=owner.household_id,
        member_id=owner.member_ids[0],
        title="Run",
        weekday=1,
        start_time=time(18, 30),
        minutes=60,
    )
    db.session.add(slot)
    db.session.commit()
    return slot.id


@owned("week")
def _a_week(owner) -> str:
    """Not an object: a week (YYYY-MM-DD) that goes with slot_id in self-care URLs."""
    return "2026-11-23"


@owned("import_id")
def _calendar_import(owner) -> int:
    from planner.models import CalendarImport

    imported = CalendarImport(
        household_id=owner.household_id, member_id=owner.member_ids[0], name="Work"
    )
    db.session.add(imported)
    db.session.commit()
    return imported.id


@owned("plan_id")
def _week_plan(owner) -> int:
    from datetime import date

    from planner.models import WeekPlan

    plan = WeekPlan(household_id=owner.household_id, week_start=date(2026, 11, 23))
    db.session.add(plan)
    db.session.commit()
    return plan.id


@owned("area_id")
def _area(owner) -> int:
    from planner.inventory.services import ensure_areas
    from planner.models import Household

    return ensure_areas(db.session.get(Household, owner.household_id))[0].id


@owned("responsibility_id")
def _responsibility(owner) -> int:
    from datetime import date

    from planner.models import Responsibility

    responsibility = Responsibility(
        household_id=owner.household_id,
        area_id=_area(owner),
        title="Dishes",
        rrule="FREQ=DAILY",
        starts_on=date(2026, 1, 5),
        default_owner_id=owner.member_ids[0],
    )
    db.session.add(responsibility)
    db.session.commit()
    return responsibility.id


@owned("item_id")
def _plan_item(owner) -> int:
    """An item of a week far from the plan_id factory's, so both can exist."""
    from datetime import date

    from planner.models import Household, PlanItem
    from planner.week.services import get_or_create_week_plan

    if not _responsibility_ids(owner):
        _responsibility(owner)
    plan = get_or_create_week_plan(db.session.get(Household, owner.household_id), date(2031, 6, 2))
    return db.session.scalar(
        db.select(PlanItem.id).where(PlanItem.week_plan_id == plan.id).limit(1)
    )


@owned("occurrence_id")
def _plan_occurrence(owner) -> int:
    from planner.models import PlanItem

    return db.session.get(PlanItem, _plan_item(owner)).occurrences[0].id


@owned("away_id")
def _away_time(owner) -> int:
    from datetime import date

    from planner.models import AwayTime

    away = AwayTime(
        household_id=owner.household_id,
        member_id=owner.member_ids[0],
        first_day=date(2026, 11, 25),
        last_day=date(2026, 11, 27),
    )
    db.session.add(away)
    db.session.commit()
    return away.id


@owned("device_id")
def _push_device(owner) -> int:
    from planner.models import PushSubscription

    device = PushSubscription(
        household_id=owner.household_id,
        member_id=owner.member_ids[0],
        endpoint=f"https://push.example.com/{owner.household_id}",
        p256dh="k" * 87,
        auth="a" * 22,
    )
    db.session.add(device)
    db.session.commit()
    return device.id


@owned("token_id")
def _api_token(owner) -> int:
    from planner.api.tokens import create_token
    from planner.models import Member

    token, _ = create_token(db.session.get(Member, owner.member_ids[0]), "Script", "read")
    db.session.commit()
    return token.id


def _responsibility_ids(owner) -> list[int]:
    from planner.models import Responsibility

    return list(
        db.session.scalars(
            db.select(Responsibility.id).where(Responsibility.household_id == owner.household_id)
        )
    )


def test_every_id_rule_is_404_for_another_household(app, client, make):
    home, other = make("Alex", "Sam"), make("Kim")
    with committing(app):
        ids = {name: factory(home) for name, factory in OWNED_FACTORIES.items()}
    login(client, other.emails[0])
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.arguments or rule.endpoint in NOT_OWNED_IDS:
            continue
        if rule.endpoint.startswith("api."):
            continue  # with a token, never a cookie: tests/test_api_isolation.py
        missing = rule.arguments - ids.keys()
        assert not missing, f"{rule.rule} takes {missing}: add a factory to OWNED_FACTORIES"
        url = rule.build({name: ids[name] for name in rule.arguments})[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            assert response.status_code == 404, f"{method} {url} answered {response.status_code}"
            checked += 1
    assert checked >= len(OWNED_FACTORIES)
