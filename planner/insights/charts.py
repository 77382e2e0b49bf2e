"""Small server-rendered SVG charts. No script; every chart has a <title> and an
aria-label that says in words what it shows. Returned as Markup for templates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from planner.domain.vocabulary import CheckInState
from planner.i18n import _

STATE_COLOURS = {
    CheckInState.OKAY: "#2e7d4f",
    CheckInState.IN_THE_REEDS: "#a86a00",
    CheckInState.BLOWN: "#b23a3a",
}
TRACK, MUTED, INK = "#ebe6dc", "#5d6b73", "#22303a"


def _svg(width: int, height: int, label: str, body: str) -> Markup:
    label = escape(label)
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{label}" preserveAspectRatio="xMinYMin meet">'
        f"<title>{label}</title>{body}</svg>"
    )


def load_bar(
    name: str, colour: str, before: int, after: int, target: float, top: float = 0
) -> Markup:
    """One member's load before and after the proposal, with their fair share marked.
    Pass the same `top` for every member so that the bars compare."""
    top = max(before, after, target, top, 1) * 1.15
    w = 300

    def x(v: float) -> float:
        return round(v / top * w, 1)

    label = _(
        "%(name)s: %(before)s minutes now, %(after)s after the moves, fair share %(share)s",
        name=name,
        before=before,
        after=after,
        share=round(target),
    )
    body = (
        f'<rect x="0" y="4" width="{w}" height="10" rx="5" fill="{TRACK}"/>'
        f'<rect x="0" y="4" width="{x(before)}" height="10" rx="5" fill="{colour}" opacity=".35"/>'
        f'<rect x="0" y="18" width="{w}" height="14" rx="7" fill="{TRACK}"/>'
        f'<rect x="0" y="18" width="{x(after)}" height="14" rx="7" fill="{colour}"/>'
        f'<line x1="{x(target)}" x2="{x(target)}" y1="0" y2="36" stroke="{INK}" '
        f'stroke-width="2" stroke-dasharray="3 2"/>'
    )
    return _svg(w, 36, label, body)


@dataclass(frozen=True)
class WeekLoad:
    label: str  # e.g. "3 Mar"
    doing: int
    mental: int
    can_carry: int | None  # minutes, from the check-in; None when unknown


def load_weeks(name: str, colour: str, weeks: Sequence[WeekLoad]) -> Markup:
    """Stacked doing + mental load per week, with what the member could carry marked."""
    n = max(len(weeks), 1)
    top = max([w.doing + w.mental for w in weeks] + [w.can_carry or 0 for w in weeks] + [60])
    width, height, base, slot = 36 * n + 40, 170, 140, 36
    parts = [f'<line x1="34" x2="{width}" y1="{base}" y2="{base}" stroke="{MUTED}"/>']
    hours = max(1, round(top / 60 / 4))
    for h in range(0, int(top / 60) + 1, hours):
        y = base - h * 60 / top * 120
        parts.append(
            f'<text x="30" y="{y + 4:.1f}" font-size="10" text-anchor="end" fill="{MUTED}">{h}h</text>'
        )
    said = []
    for k, w in enumerate(weeks):
        x = 40 + k * slot
        hd, hm = w.doing / top * 120, w.mental / top * 120
        parts.append(
            f'<rect x="{x}" y="{base - hd:.1f}" width="22" height="{hd:.1f}" fill="{colour}"/>'
        )
        parts.append(
            f'<rect x="{x}" y="{base - hd - hm:.1f}" width="22" height="{hm:.1f}" fill="{colour}" opacity=".45"/>'
        )
        if w.can_carry is not None:
            y = base - w.can_carry / top * 120
            parts.append(
                f'<line x1="{x - 4}" x2="{x + 26}" y1="{y:.1f}" y2="{y:.1f}" stroke="{INK}" stroke-width="2"/>'
            )
        if k % 2 == 0 or n <= 6:
            parts.append(
                f'<text x="{x + 11}" y="{base + 16}" font-size="10" text-anchor="middle" fill="{MUTED}">{escape(w.label)}</text>'
            )
        if w.can_carry is None:
            said.append(
                _(
                    "%(week)s: %(doing)s doing + %(mental)s mental minutes",
                    week=w.label,
                    doing=w.doing,
                    mental=w.mental,
                )
            )
        else:
            said.append(
                _(
                    "%(week)s: %(doing)s doing + %(mental)s mental minutes, could carry %(carry)s",
                    week=w.label,
                    doing=w.doing,
                    mental=w.mental,
                    carry=w.can_carry,
                )
            )
    label = _("%(name)s's load per week. %(weeks)s", name=name, weeks="; ".join(said))
    return _svg(width, height, label, "".join(parts))


def states_strip(
    rows: Sequence[tuple[str, Sequence[CheckInState | None]]], labels: Sequence[str]
) -> Markup:
    """Check-in states over weeks: one row of dots per member."""
    n = max(len(labels), 1)
    width, height = 90 + 30 * n, 24 * len(rows) + 24
    parts, said = [], []
    for r, (name, states) in enumerate(rows):
        y = 16 + r * 24
        parts.append(f'<text x="0" y="{y + 4}" font-size="12" fill="{INK}">{escape(name)}</text>')
        for k, state in enumerate(states):
            x = 100 + k * 30
            if state is None:
                parts.append(f'<circle cx="{x}" cy="{y}" r="7" fill="none" stroke="{MUTED}"/>')
            else:
                parts.append(f'<circle cx="{x}" cy="{y}" r="8" fill="{STATE_COLOURS[state]}"/>')
        told = ", ".join(str(CheckInState(s).label) if s else _("no check-in") for s in states)
        said.append(_("%(name)s: %(states)s", name=name, states=told))
    for k, text in enumerate(labels):
        if k % 2 == 0 or n <= 6:
            parts.append(
                f'<text x="{100 + k * 30}" y="{height - 2}" font-size="10" text-anchor="middle" fill="{MUTED}">{escape(text)}</text>'
            )
    label = _("Check-in states per week. %(members)s", members="; ".join(said))
    return _svg(width, height, label, "".join(parts))


def fairness_lines(
    rows: Sequence[tuple[str, str, Sequence[int | None]]], labels: Sequence[str]
) -> Markup:
    """Each member's "did last week feel fair?" (1-5) over weeks, as dots joined by lines."""
    n = max(len(labels), 1)
    width, height = 40 + 30 * n, 130

    def y(v: int) -> float:
        return 100 - (v - 1) * 22

    parts = [
        f'<text x="4" y="{y(v) + 4:.1f}" font-size="10" fill="{MUTED}">{v}</text>'
        f'<line x1="20" x2="{width}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="{TRACK}"/>'
        for v in range(1, 6)
    ]
    said = []
    for name, colour, answers in rows:
        points = [(40 + k * 30, y(a)) for k, a in enumerate(answers) if a]
        if len(points) > 1:
            path = " ".join(f"{px},{py:.1f}" for px, py in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        parts += [f'<circle cx="{px}" cy="{py:.1f}" r="4" fill="{colour}"/>' for px, py in points]
        told = ", ".join(str(a) if a else _("no answer") for a in answers)
        said.append(_("%(name)s: %(answers)s", name=name, answers=told))
    for k, text in enumerate(labels):
        if k % 2 == 0 or n <= 6:
            parts.append(
                f'<text x="{40 + k * 30}" y="{height - 4}" font-size="10" text-anchor="middle" fill="{MUTED}">{escape(text)}</text>'
            )
    label = _("Did the week feel fair, 1 to 5, per week. %(members)s", members="; ".join(said))
    return _svg(width, height, label, "".join(parts))


def member_load_charts(found, labels: Sequence[str]) -> list[tuple]:
    """(member, chart) per member of an planner.insights.services.Insights."""
    return [
        (
            m,
            load_weeks(
                m.display_name,
                m.colour,
                [
                    WeekLoad(label, w.doing, w.mental, w.can_carry)
                    for label, w in zip(labels, found.by_member[m.id], strict=True)
                ],
            ),
        )
        for m in found.members
    ]
