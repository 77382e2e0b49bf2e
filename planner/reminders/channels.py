"""Members' channel choices and devices, read once for the rows about to be written."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from planner.domain.channels import channels
from planner.domain.vocabulary import ReminderChannel, ReminderKind
from planner.extensions import db
from planner.models import ChannelChoice, PushSubscription

# The kinds a member chooses channels for, in the order the preferences page shows them.
CHOOSABLE = (
    ReminderKind.SELFCARE,
    ReminderKind.PLANNING,
    ReminderKind.HANDOVER,
    ReminderKind.MIDWEEK,
    ReminderKind.PLAN_SUMMARY,
)


@dataclass(frozen=True)
class Choice:
    email: bool = True
    push: bool = True


@dataclass
class Channels:
    """Choices and devices of some members (no row: email and notification both)."""

    choices: dict[tuple[int, ReminderKind], Choice] = field(default_factory=dict)
    with_device: set[int] = field(default_factory=set)

    def choice(self, member_id: int, kind: ReminderKind) -> Choice:
        return self.choices.get((member_id, kind), Choice())

    def of(self, member_id: int, kind: ReminderKind) -> tuple[ReminderChannel, ...]:
        chosen = self.choice(member_id, kind)
        return channels(chosen.email, chosen.push, member_id in self.with_device)


def load(member_ids: Iterable[int]) -> Channels:
    ids = list(member_ids)
    if not ids:
        return Channels()
    rows = db.session.scalars(select(ChannelChoice).where(ChannelChoice.member_id.in_(ids)))
    devices = db.session.scalars(
        select(PushSubscription.member_id).where(PushSubscription.member_id.in_(ids)).distinct()
    )
    return Channels(
        {(r.member_id, ReminderKind(r.kind)): Choice(r.email, r.push) for r in rows},
        set(devices),
    )


def chosen_by(member) -> dict[ReminderKind, Choice]:
    """One member's choice for every kind they choose for."""
    loaded = load([member.id])
    return {kind: loaded.choice(member.id, kind) for kind in CHOOSABLE}
