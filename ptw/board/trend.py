"""Daily trend over the board's window: steps overdue and steps escalated, per local day."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q

from accounts.models import Project
from ptw.models import EscalationRecord, StepStatus, WorkflowStep

from .limits import StepLimits, escalation_level_numbers
from .project_steps import project_step_rows
from .window import Window


@dataclass(frozen=True)
class TrendDay:
    day: date
    overdue: int
    escalated: int


def daily_trend(project: Project, *, window: Window, limits: StepLimits) -> list[TrendDay]:
    """One entry per local day of the window, oldest first.

    Overdue: steps that were past their time limit at some moment of that day (from
    `pending_since` + limit until decided, skipped or now), whether or not the sweep ran.
    Escalated: steps with an escalation-level record of that local day (what the engine did).
    """
    overdue = _overdue_per_day(project, window=window, limits=limits)
    escalated = dict(
        EscalationRecord.objects.filter(
            permit__project=project,
            local_date__gte=window.days[0],
            local_date__lte=window.today,
            level__in=escalation_level_numbers(),
        )
        .values("local_date")
        .annotate(steps=Count("step_id", distinct=True))
        .values_list("local_date", "steps")
        .order_by()
    )
    return [TrendDay(day, overdue.get(day, 0), escalated.get(day, 0)) for day in window.days]


def _overdue_per_day(project: Project, *, window: Window, limits: StepLimits) -> dict[date, int]:
    """{local day: steps overdue during it}, from the steps pending now or ended in the window."""
    recent = WorkflowStep.objects.filter(pending_since__isnull=False).filter(
        Q(status=StepStatus.PENDING) | Q(completed_at__gte=window.start)
    )
    steps = project_step_rows(project, recent, ("step_id", "pending_since", "completed_at", "status"))
    counts: dict[date, int] = {}
    for type_id, _type_name, step_id, since, ended, status in steps:
        overdue_from = since + limits.delta(type_id, step_id)
        until = window.end if status == StepStatus.PENDING or ended is None else ended
        if overdue_from >= until:
            continue  # decided (or still waiting) within its limit
        for day in _local_days(max(overdue_from, window.start), until, window):
            counts[day] = counts.get(day, 0) + 1
    return counts


def _local_days(start: datetime, end: datetime, window: Window):
    """The window's local days that the interval [start, end) touches."""
    day, last = window.local_date(start), window.local_date(end - timedelta(microseconds=1))
    while day <= last:
        yield day
        day += timedelta(days=1)
