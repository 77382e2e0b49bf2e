"""Keep rate over weeks as simple SVG geometry (the template draws it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from planner.i18n import _, _n, moment

WIDTH, HEIGHT, GAP = 240, 48, 2


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    planned: bool


@dataclass(frozen=True)
class KeepChart:
    member_id: int | None  # None: time together
    name: str
    colour: str
    bars: list[Bar]
    kept: int
    planned: int

    @property
    def summary(self) -> str:
        if self.member_id is None:
            return _n(
                "You had time together %(kept)d of the %(num)d time you planned.",
                "You had time together %(kept)d of the %(num)d times you planned.",
                self.planned,
                kept=self.kept,
            )
        if not self.planned:
            return _("%(name)s had no self-care time planned in these weeks.", name=self.name)
        return _n(
            "%(name)s kept %(kept)d of %(num)d self-care time in these weeks.",
            "%(name)s kept %(kept)d of %(num)d self-care times in these weeks.",
            self.planned,
            name=self.name,
            kept=self.kept,
        )


TOGETHER_COLOUR = "#8a6bb8"


def keep_charts(members, rates: dict[int | None, list[tuple[date, int, int]]]) -> list[KeepChart]:
    """One chart per member, then one of time together when any was planned."""
    charts = [_chart(m.id, m.display_name, m.colour, rates.get(m.id, [])) for m in members]
    together = rates.get(None, [])
    if any(planned for _, _, planned in together):
        charts.append(_chart(None, _("Time together"), TOGETHER_COLOUR, together))
    return charts


def _chart(
    member_id: int | None, name: str, colour: str, series: list[tuple[date, int, int]]
) -> KeepChart:
    slot_width = WIDTH / max(len(series), 1)
    bars = []
    for i, (week, kept, planned) in enumerate(series):
        share = kept / planned if planned else 0
        height = max(share * HEIGHT, 2 if planned else 0)
        bars.append(
            Bar(
                x=round(i * slot_width + GAP / 2, 1),
                y=round(HEIGHT - height, 1),
                width=round(slot_width - GAP, 1),
                height=round(height, 1),
                label=_(
                    "Week of %(week)s: kept %(kept)d of %(planned)d",
                    week=moment(week, "date"),
                    kept=kept,
                    planned=planned,
                ),
                planned=bool(planned),
            )
        )
    return KeepChart(
        member_id=member_id,
        name=name,
        colour=colour,
        bars=bars,
        kept=sum(k for _, k, _ in series),
        planned=sum(p for _, _, p in series),
    )
