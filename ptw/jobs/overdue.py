"""The overdue sweep: pending workflow steps past their levels (DESIGN.md, "Escalation semantics").

A step's time limit is its active EscalationRule's, else PTW_DEFAULT_ESCALATION_HOURS. Each
EscalationLevel is a multiple of that limit and an audience: "assignee" (the step's assignee,
or the permit's creator while nobody is assigned: they must assign someone) or "escalation"
(the rule's escalate_to_role holders in the project, else its Grade A/B admins; never the
person already told as assignee). Every level reached is notified at most once per local day
of the project per step, and recorded once per day in EscalationRecord.
"""

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from accounts.models import ADMIN_GRADES, Membership
from backend.bulk import insert_ignore, set_column_by_id

from ..durations import format_duration, format_hours
from ..models import (
    EscalationLevel,
    EscalationRecord,
    EscalationRule,
    StepStatus,
    WorkflowStep,
)
from ..models.escalation import EscalationAudience
from ..notification_utils import PermitFacts, PermitNotice, create_ptw_notifications
from .runs import JobReport, claimable, record_job_run, sweep_in_batches

JOB = "check_overdue_workflow_tasks"


def check_overdue_workflow_tasks(*, now: datetime) -> JobReport:
    """Notify and record the levels reached by pending steps that are due; return the report.

    1. Nothing happens while ESCALATIONS_ENABLED is off (the run is still recorded).
    2. Claim due steps (`next_check_at <= now`, partial index `workflowstep_due`) in batches.
    3. For each step: its limit (rule or default), the levels reached, their recipients.
    4. Write the batch's notifications and escalation records with insert-ignore, and move
       each step's `next_check_at` on to its next level or the project's next local midnight.
    """
    with record_job_run(JOB, now=now) as report:
        if not settings.ESCALATIONS_ENABLED:
            report.add({"disabled": 1})
            return report
        levels = list(EscalationLevel.objects.filter(is_active=True))  # by multiplier (the model's order)
        sweep_in_batches(
            report,
            claim=partial(_claim_due_steps, now),
            process=partial(_escalate, levels=levels, now=now),
            describe=lambda step: f"step {step.pk} of permit {step.permit.id}",
        )
    return report


@dataclass(slots=True)
class DueStep:
    """A claimed step with what the sweep needs of it, its permit and its active rule."""

    pk: int
    step_id: str
    name: str
    assignee_id: int | None  # None also when the assignee left the project or was deactivated
    assignee_name: str
    pending_since: datetime
    rule_hours: Decimal | None
    rule_role: str | None
    permit: PermitFacts
    creator_is_member: bool
    creator_name: str


_DUE_COLUMNS = (
    "pk",
    "step_id",
    "name",
    "assignee_id",
    "assignee__first_name",
    "assignee__last_name",
    "assignee__username",
    "pending_since",
    "rule_hours",
    "rule_role",
    "instance__permit_id",
    "instance__permit__permit_number",
    "instance__permit__title",
    "instance__permit__project_id",
    "instance__permit__project__time_zone",
    "instance__permit__permit_type__name",
    "instance__permit__created_by_id",
    "instance__permit__created_by__first_name",
    "instance__permit__created_by__last_name",
    "instance__permit__created_by__username",
    "assignee_is_member",
    "creator_is_member",
)


def _claim_due_steps(
    now: datetime, *, size: int, exclude: set[int], after: object = None, only: int | None = None
) -> list[DueStep]:
    """Lock up to `size` due steps, oldest due first, each with its active rule's limit and role.

    The rule is read by the same statement as the claim: a rule saved meanwhile either is seen
    here or reschedules these steps once we commit (its UPDATE waits for our row locks).
    Rows leave the due set as they are processed (next_check_at moves on): no keyset, `after`
    is ignored.
    Plain rows, not model instances: at 1,000 due steps, building 7 models each costs more
    than the whole query. The notification helpers take the permit's columns (PermitFacts).
    """
    # (pending_since is set whenever a step is pending; a row without it has nothing to measure)
    due = WorkflowStep.objects.filter(status=StepStatus.PENDING, next_check_at__lte=now, pending_since__isnull=False)
    if only is not None:
        due = due.filter(pk=only)
    if exclude:
        due = due.exclude(pk__in=exclude)
    rule = EscalationRule.objects.filter(
        is_active=True,
        permit_type=OuterRef("instance__permit__permit_type"),
        step_name=OuterRef("step_id"),
    ).order_by()
    due = due.annotate(
        rule_hours=Subquery(rule.values("time_limit_hours")[:1]),
        rule_role=Subquery(rule.values("escalate_to_role")[:1]),
        assignee_is_member=_is_member_now("assignee"),
        creator_is_member=_is_member_now("instance__permit__created_by"),
    ).order_by("next_check_at", "pk")
    rows = claimable(due).values_list(*_DUE_COLUMNS)[:size]
    return [
        DueStep(
            pk,
            step_id,
            name,
            # an assignee who left the project (or was deactivated) holds it no more: it escalates as unassigned
            assignee_id if assignee_is_member else None,
            _display_name(a_first, a_last, a_username),
            pending_since,
            rule_hours,
            rule_role,
            PermitFacts(
                id=permit_id,
                number=number,
                title=title,
                type_name=type_name,
                time_zone=time_zone,
                project_id=project_id,
                creator_id=creator_id,
            ),
            creator_is_member,
            _display_name(c_first, c_last, c_username),
        )
        for (
            pk,
            step_id,
            name,
            assignee_id,
            a_first,
            a_last,
            a_username,
            pending_since,
            rule_hours,
            rule_role,
            permit_id,
            number,
            title,
            project_id,
            time_zone,
            type_name,
            creator_id,
            c_first,
            c_last,
            c_username,
            assignee_is_member,
            creator_is_member,
        ) in rows
    ]


def _is_member_now(user: str) -> Exists:
    """Whether the step's `user` (a path from the step) is an active user and active member of the permit's project."""
    return Exists(
        Membership.objects.filter(
            user=OuterRef(user), project=OuterRef("instance__permit__project"), is_active=True, user__is_active=True
        )
    )


def _display_name(first: str | None, last: str | None, username: str | None) -> str:
    """User.display_name from its columns."""
    return f"{first or ''} {last or ''}".strip() or (username or "")


@dataclass
class _Plan:
    step: DueStep
    limit_hours: Decimal
    pending: timedelta
    reached: list[EscalationLevel]
    next_check_at: datetime | None
    local_date: date  # today in the step's project: the day its records and notices count for


def _escalate(steps: list[DueStep], *, levels: list[EscalationLevel], now: datetime) -> dict[str, int]:
    days = LocalDays(now)
    plans = [_plan(step, levels, now, days) for step in steps]
    escalation_recipients = _escalation_recipients(
        [plan.step for plan in plans if any(level.audience == EscalationAudience.ESCALATION for level in plan.reached)]
    )
    events, records = [], []
    for plan in plans:
        for level in plan.reached:
            recipient_ids = _recipients(plan, level, escalation_recipients)
            events += [_event(plan, level, user_id) for user_id in recipient_ids]
            records.append(_record(plan, level, recipient_ids, now))
    created = create_ptw_notifications(events, now=now)
    recorded = insert_ignore(EscalationRecord, records, unique=("step", "level", "local_date"))
    set_column_by_id(WorkflowStep, "next_check_at", {plan.step.pk: plan.next_check_at for plan in plans})
    return {"steps": len(steps), "notifications": len(created), "records": recorded}


def _plan(step: DueStep, levels: list[EscalationLevel], now: datetime, days: "LocalDays") -> _Plan:
    """The step's limit, how long it has been pending, the levels reached and its next check."""
    today, next_midnight = days.of(step.permit.time_zone)
    limit = step.rule_hours if step.rule_hours is not None else Decimal(str(settings.PTW_DEFAULT_ESCALATION_HOURS))
    pending = now - step.pending_since
    thresholds = [(level, timedelta(hours=float(limit * level.multiplier))) for level in levels]
    reached = [level for level, after in thresholds if pending >= after]
    upcoming = [step.pending_since + after for _, after in thresholds if pending < after]
    if reached:  # reached levels repeat on the project's next local day
        upcoming.append(next_midnight)
    return _Plan(step, Decimal(limit), pending, reached, min(upcoming, default=None), today)


class LocalDays:
    """`now`'s local date and the next local midnight in each project time zone, worked out once per batch."""

    def __init__(self, now: datetime):
        self.now = now
        self._known: dict[str, tuple[date, datetime]] = {}

    def of(self, time_zone: str) -> tuple[date, datetime]:
        if time_zone not in self._known:
            tz = zoneinfo.ZoneInfo(time_zone or settings.TIME_ZONE)
            self._known[time_zone] = (timezone.localtime(self.now, tz).date(), next_local_midnight(self.now, tz))
        return self._known[time_zone]


def next_local_midnight(now: datetime, tz: zoneinfo.ZoneInfo) -> datetime:
    """The first instant of the day after `now`'s local date in `tz`, in UTC."""
    tomorrow = timezone.localtime(now, tz).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time.min, tzinfo=tz).astimezone(UTC)


def _escalation_recipients(steps: list[DueStep]) -> dict[tuple[int, str], list[int]]:
    """{(project id, role or ""): user ids} for the projects and roles of the steps escalating.

    One query for the whole batch: the projects' Grade A/B admins and holders of the rules' roles.
    """
    if not steps:
        return {}
    project_ids = {step.permit.project_id for step in steps}
    roles = {step.rule_role for step in steps if step.rule_role}
    members = (
        Membership.objects.filter(project_id__in=project_ids, is_active=True, user__is_active=True)
        .filter(Q(grade__in=ADMIN_GRADES) | Q(roles__name__in=roles))
        .values_list("project_id", "user_id", "grade", "roles__name")
        .order_by("user_id")
    )
    found: dict[tuple[int, str], list[int]] = defaultdict(list)
    for project_id, user_id, grade, role in members:
        keys = ([(project_id, "")] if grade in ADMIN_GRADES else []) + ([(project_id, role)] if role in roles else [])
        for key in keys:
            if user_id not in found[key]:
                found[key].append(user_id)
    return found


def _recipients(plan: _Plan, level: EscalationLevel, escalation_recipients: dict) -> list[int]:
    step, permit = plan.step, plan.step.permit
    # nobody holds it (or its holder left): the creator must assign someone, while still a member
    holder = step.assignee_id or (permit.creator_id if step.creator_is_member else None)
    if level.audience == EscalationAudience.ASSIGNEE:
        return [holder] if holder else []
    if level.audience != EscalationAudience.ESCALATION:
        raise ValueError(f"Escalation level {level.level} has an unknown audience '{level.audience}'.")
    users = escalation_recipients.get((permit.project_id, step.rule_role), []) if step.rule_role else []
    users = users or escalation_recipients.get((permit.project_id, ""), [])
    return [user_id for user_id in users if user_id != holder]  # never the assignee twice


def _event(plan: _Plan, level: EscalationLevel, user_id: int) -> PermitNotice:
    step, permit = plan.step, plan.step.permit
    return PermitNotice(
        user_id,
        level.event_type,
        permit,
        message=_message(plan, level, user_id),
        extra_data={
            "step": step.step_id,
            "step_pk": step.pk,
            "level": level.level,
            "assignee_id": step.assignee_id,
            "pending_hours": _hours(plan.pending),
            "time_limit_hours": float(plan.limit_hours),
        },
        dedupe_extra=f"step:{step.pk}:level:{level.level}",
    )


def _message(plan: _Plan, level: EscalationLevel, user_id: int) -> str:
    """Which step, who holds it, for how long."""
    step, permit = plan.step, plan.step.permit
    what = f"The {step.name.lower()} of permit {permit.number} ({permit.title})"
    how_long = f"{format_duration(plan.pending)} (limit {format_hours(plan.limit_hours)} h)"
    if step.assignee_id is None:
        who = "you" if user_id == permit.creator_id else step.creator_name
        if step.assignee_name:  # assigned to someone who left the project
            text = (
                f"{what} has been pending for {how_long} with {step.assignee_name}, who is no longer a member "
                f"of the project: {who} must assign someone else."
            )
        else:
            text = f"{what} has had nobody assigned for {how_long}: {who} must assign someone."
    else:
        who = "you" if user_id == step.assignee_id else step.assignee_name
        text = f"{what} has been pending with {who} for {how_long}."
    if level.audience == EscalationAudience.ESCALATION:
        text += " It has been escalated to you."
    return text


def _record(plan: _Plan, level: EscalationLevel, recipient_ids: list[int], now: datetime) -> dict:
    step = plan.step
    return {
        "permit": step.permit.id,
        "step": step.pk,
        "level": level.level,
        "event_type": level.event_type,
        "reached_at": now,
        "local_date": plan.local_date,
        "pending_hours": Decimal(str(_hours(plan.pending))),
        "recipient_ids": recipient_ids,
    }


def _hours(delta: timedelta) -> float:
    return round(delta.total_seconds() / 3600, 2)
