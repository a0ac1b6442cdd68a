"""Everything the board shows for one project at `now`, read once (the page and the API both call these)."""

from dataclasses import dataclass
from datetime import datetime

from accounts.models import Project

from .active import ActivePermit, active_permits
from .blocking import Blocker, blocking
from .counts import BoardCounts, board_counts
from .limits import StepLimits, step_limits
from .step_times import StepTimes, step_times
from .trend import TrendDay, daily_trend
from .window import Window, board_window


@dataclass(frozen=True)
class LiveBoard:
    """What changes minute by minute: counts, active permits, who is blocking."""

    project: Project
    now: datetime
    counts: BoardCounts
    active: list[ActivePermit]
    blockers: list[Blocker]


@dataclass(frozen=True)
class BoardCharts:
    window: Window
    step_times: list[StepTimes]
    trend: list[TrendDay]


def live_board(project: Project, *, now: datetime, limits: StepLimits | None = None) -> LiveBoard:
    limits = limits or step_limits(project.pk)
    return LiveBoard(
        project=project,
        now=now,
        counts=board_counts(project, now=now, limits=limits),
        active=active_permits(project, now=now),
        blockers=blocking(project, now=now, limits=limits),
    )


def board_charts(project: Project, *, now: datetime, limits: StepLimits | None = None) -> BoardCharts:
    limits = limits or step_limits(project.pk)
    window = board_window(project, now=now)
    return BoardCharts(
        window=window,
        step_times=step_times(project, window=window, limits=limits),
        trend=daily_trend(project, window=window, limits=limits),
    )
