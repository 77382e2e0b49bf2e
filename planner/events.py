"""Signals between features, so a write in one feature can update another
(reminders, feed caches, live pages) without importing it."""

from blinker import Namespace

_signals = Namespace()

# sender: the Household; kwargs: week_plan
plan_agreed = _signals.signal("plan-agreed")
# sender: the Household; any change to plans, items or occurrences after generation
plan_changed = _signals.signal("plan-changed")
# sender: the Household; a self-care slot or one week of it changed
selfcare_changed = _signals.signal("selfcare-changed")
# sender: the Household; kwargs: item (PlanItem), to_member (Member), from_member (Member)
handover_requested = _signals.signal("handover-requested")
