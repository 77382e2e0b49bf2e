"""Signals between features, so a write in one feature can queue what another owes it
(reminder emails) without importing it. Receivers write in the sender's transaction and
never commit (see planner.reminders.signals)."""

from blinker import Namespace

_signals = Namespace()

# sender: the Household; kwargs: week_plan
plan_agreed = _signals.signal("plan-agreed")
# sender: the Household; kwargs: notice (planner.week.handovers.Notice), what one member
# is told about an offer, a request or an answer between partners
partner_notice = _signals.signal("partner-notice")
