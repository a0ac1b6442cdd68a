"""Geometry of the board's charts, drawn by the templates as inline SVG (no script, no CDN).

Coordinates are in each SVG's viewBox; the templates scale them to the page's width.
"""

from dataclasses import dataclass

from ptw.board.step_times import StepTimes
from ptw.board.trend import TrendDay

BAR_WIDTH = 300  # viewBox width of a step-time bar


@dataclass(frozen=True)
class StepTimeBar:
    """One row: median bar, p90 tick and the limit line, on a scale up to the largest of the three."""

    stats: StepTimes
    median_x: float
    p90_x: float
    limit_x: float

    @property
    def over_limit(self) -> bool:
        return self.stats.median_hours > float(self.stats.limit_hours)


def step_time_bars(stats: list[StepTimes]) -> list[StepTimeBar]:
    bars = []
    for stat in stats:
        top = max(stat.p90_hours, float(stat.limit_hours), stat.median_hours) * 1.1 or 1.0
        scale = BAR_WIDTH / top
        bars.append(
            StepTimeBar(
                stats=stat,
                median_x=round(stat.median_hours * scale, 1),
                p90_x=round(stat.p90_hours * scale, 1),
                limit_x=round(float(stat.limit_hours) * scale, 1),
            )
        )
    return bars


@dataclass(frozen=True)
class TrendColumn:
    day: TrendDay
    x: float
    overdue_y: float
    overdue_height: float
    escalated_x: float
    escalated_y: float
    escalated_height: float
    label: str  # the day under the axis, on every fifth day and the last


@dataclass(frozen=True)
class TrendChart:
    columns: list[TrendColumn]
    ticks: list[tuple[int, float]]  # (value, y)
    width: int
    height: int
    plot_left: int
    plot_bottom: int
    bar_width: float
    total_overdue: int
    total_escalated: int


def trend_chart(days: list[TrendDay]) -> TrendChart:
    """Two bars a day (overdue, escalated) on one axis whose top is a round number."""
    width, height, left, top, bottom = 420, 150, 26, 8, 126
    top_value = _round_up(max([1, *(day.overdue for day in days), *(day.escalated for day in days)]))
    slot = (width - left - 4) / max(len(days), 1)
    bar = max(slot / 2 - 0.6, 1)
    scale = (bottom - top) / top_value
    columns = []
    for index, day in enumerate(days):
        x = left + index * slot + 0.4
        label = day.day.strftime("%d %b") if index % 5 == 0 or index == len(days) - 1 else ""
        columns.append(
            TrendColumn(
                day=day,
                x=round(x, 2),
                overdue_y=round(bottom - day.overdue * scale, 2),
                overdue_height=round(day.overdue * scale, 2),
                escalated_x=round(x + bar + 0.2, 2),
                escalated_y=round(bottom - day.escalated * scale, 2),
                escalated_height=round(day.escalated * scale, 2),
                label=label,
            )
        )
    ticks = [(value, round(bottom - value * scale, 2)) for value in _ticks(top_value)]
    return TrendChart(
        columns=columns,
        ticks=ticks,
        width=width,
        height=height,
        plot_left=left,
        plot_bottom=bottom,
        bar_width=round(bar, 2),
        total_overdue=sum(day.overdue for day in days),
        total_escalated=sum(day.escalated for day in days),
    )


def _round_up(value: int) -> int:
    """The smallest 'nice' axis top (1, 2, 5, 10, 20, 50…) at or above `value`."""
    magnitude = 1
    while True:
        for step in (1, 2, 5):
            if step * magnitude >= value:
                return step * magnitude
        magnitude *= 10


def _ticks(top_value: int) -> list[int]:
    return sorted({0, top_value // 2 if top_value % 2 == 0 else top_value, top_value})
