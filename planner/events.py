"""Signals between features, so a write in one feature can queue what another owes it
(reminder emails) without importing it. Receivers write in the sender's transaction and
never commit (see planner.reminders.signals)."""

from blinker import Namespace

_signals = Namespace()

# sender: the Household; kwargs: week_plan
plan_agreed = _signals.signal("plan-agreed")
# sender: the Household; a self-care slot or one week of it changed
selfcare_changed = _signals.signal("selfcare-changed")
# sender: the Household; kwargs: item (PlanItem), to_member (Member), from_member (Member)
handover_requested = _signals.signal("handover-requested")
