"""The eight steps of the weekly session, in order."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    key: str  # also the endpoint name; the URL segment spells it with a hyphen
    title: str
    prompt: str


STEPS = (
    Step("appreciate", "Appreciate", "One thing your partner did this week that helped."),
    Step("checkin", "Check in", "How are you, and how much can you carry this week?"),
    Step("look_back", "Look back", "What happened last week."),
    Step("look_ahead", "Look ahead", "The coming week on a calendar."),
    Step("rebalance", "Rebalance", "Share the week by who has room."),
    Step("kindness", "Kindness plan", "What can wait, be simpler or get help."),
    Step("selfcare", "Protect self-care", "Each of you keeps some time of your own."),
    Step("agree", "Agree", "Both of you confirm the week."),
)
STEP_KEYS = tuple(s.key for s in STEPS)


def step(key: str) -> Step:
    return STEPS[STEP_KEYS.index(key)]


def neighbours(key: str) -> tuple[Step | None, Step | None]:
    """The steps before and after this one."""
    i = STEP_KEYS.index(key)
    return (STEPS[i - 1] if i else None, STEPS[i + 1] if i + 1 < len(STEPS) else None)
