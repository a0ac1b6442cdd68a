"""The overdue sweep: pending workflow steps past their levels (DESIGN.md, "Escalation semantics").

A step's time limit is its project's active EscalationRule's, else the global rule's, else
PTW_DEFAULT_ESCALATION_HOURS. Its chain (ptw/escalation_chains.py) is the rule's levels, else
the global ones: each a multiple of that limit and an audience: "assignee" (the step's
assignee, or the permit's creator while nobody is assigned: they must assign someone),
"escalation" (the rule's escalate_to_role holders in the project, else its Grade A/B admins),
"grade_a" (its Grade A admins) or "role" (holders of the level's role); never the person
already told as assignee. Every level reached is notified at most once per local day of the
project per step (each repeat of the last level once), and recorded in EscalationRecord.
"""

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cached_property, partial

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from accounts.models import ADMIN_GRADES, Grade, Membership
from backend.bulk import insert_ignore, set_column_by_id
from backend.claims import claimable

from ..durations import format_duration, format_hours
from ..escalation_chains import ChainLevel, Chains, Hold, Reached, chain_of, load_chains, walk_chain
from ..escalation_schedule import rules_in_force
from ..models import (
    EscalationRecord,
    StepStatus,
    WorkflowStep,
)
from ..models.escalation import EscalationAudience
from ..notification_utils import PermitFacts, PermitNotice, create_ptw_notifications
from .runs import JobReport, record_job_run, sweep_in_batches

JOB = "check_overdue_workflow_tasks"


def check_overdue_workflow_tasks(*, now: datetime) -> JobReport:
    """Notify and record the levels reached by pending steps that are due; return the report.

    1. Nothing happens while ESCALATIONS_ENABLED is off (the run is still recorded).
    2. Claim due steps (`next_check_at <= now`, partial index `workflowstep_due`) in batches.
    3. For each step: its limit and chain (rule or defaults), the levels reached, their recipients.
    4. Write the batch's notifications and escalation records with insert-ignore, and move
       each step's `next_check_at` on to its next level or the project's next local midnight.
    5. A level that cannot be sent (a bad row in the database) fails alone: it is recorded as
       the run's error; the step's other levels and the other steps go through.
    """
    with record_job_run(JOB, now=now) as report:
        if not settings.ESCALATIONS_ENABLED:
            report.add({"disabled": 1})
            return report
        chains = load_chains()
        bad_levels: dict[str, str] = {}
        sweep_in_batches(
            report,
            claim=partial(_claim_due_steps, now),
            process=partial(_escalate, chains=chains, now=now, bad_levels=bad_levels),
            describe=lambda step: f"step {step.pk} of permit {step.permit.id}",
        )
        for problem in bad_levels.values():
            report.errors.append(problem)
            report.counts["failed_levels"] += 1
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
    acknowledged_at: datetime | None
    acknowledged_until: datetime | None
    rule_id: int | None
    rule_hours: Decimal | None
    rule_role: str | None
    rule_method: str | None
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
    "acknowledged_at",
    "acknowledged_until",
    "rule_id",
    "rule_hours",
    "rule_role",
    "rule_method",
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
    rule = rules_in_force(  # the project's own rule first, then the global default
        project_id=OuterRef("instance__permit__project_id"),
        permit_type_id=OuterRef("instance__permit__permit_type_id"),
        step_id=OuterRef("step_id"),
    )
    due = due.annotate(
        rule_id=Subquery(rule.values("pk")[:1]),
        rule_hours=Subquery(rule.values("time_limit_hours")[:1]),
        rule_role=Subquery(rule.values("escalate_to_role")[:1]),
        rule_method=Subquery(rule.values("notification_method")[:1]),
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
            acknowledged_at,
            acknowledged_until,
            rule_id,
            rule_hours,
            rule_role,
            rule_method,
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
            acknowledged_at,
            acknowledged_until,
            rule_id,
            rule_hours,
            rule_role,
            rule_method,
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
    reached: list[Reached]
    next_check_at: datetime | None
    local_date: date  # today in the step's project: the day its records and notices count for


def _escalate(steps: list[DueStep], *, chains: Chains, now: datetime, bad_levels: dict[str, str]) -> dict[str, int]:
    days = LocalDays(now)
    audiences = _Audiences(steps, chains)
    plans = [_plan(step, chain_of(chains, step.rule_id), audiences, now, days) for step in steps]
    events, records = [], []
    for plan in plans:
        for reach in plan.reached:
            if reach.level.problem:  # a bad row: this level fails, the rest goes on
                bad_levels[reach.level.problem] = f"step {plan.step.pk}: {reach.level.problem}"
                continue
            events += [_event(plan, reach, user_id) for user_id in reach.recipient_ids]
            records.append(_record(plan, reach, now))
    created = create_ptw_notifications(events, now=now)
    recorded = insert_ignore(EscalationRecord, records, unique=("step", "level", "repeat", "local_date"))
    set_column_by_id(WorkflowStep, "next_check_at", {plan.step.pk: plan.next_check_at for plan in plans})
    return {"steps": len(steps), "notifications": len(created), "records": recorded}


def _plan(step: DueStep, chain: list[ChainLevel], audiences: "_Audiences", now: datetime, days: "LocalDays") -> _Plan:
    """The step's limit, how long it has been pending, the levels reached and its next check."""
    today, next_midnight = days.of(step.permit.time_zone)
    limit = step.rule_hours if step.rule_hours is not None else Decimal(str(settings.PTW_DEFAULT_ESCALATION_HOURS))
    hold = None
    if step.acknowledged_at is not None and step.acknowledged_until is not None:
        hold = Hold(since=step.acknowledged_at, until=step.acknowledged_until)
    reached, upcoming = walk_chain(
        chain,
        pending_since=step.pending_since,
        limit=timedelta(hours=float(limit)),
        now=now,
        recipients=partial(audiences.recipients, step),
        hold=hold,
    )
    # A repeat that fell due before today's local midnight was sent then: the levels themselves
    # are sent again each local day, repeats are not.
    today_start = datetime.combine(
        today, time.min, tzinfo=zoneinfo.ZoneInfo(step.permit.time_zone or settings.TIME_ZONE)
    )
    reached = [reach for reach in reached if not reach.repeat or reach.due >= today_start]
    candidates = [upcoming] if upcoming is not None else []
    if reached:  # reached levels repeat on the project's next local day
        candidates.append(next_midnight)
    return _Plan(step, Decimal(limit), now - step.pending_since, reached, min(candidates, default=None), today)


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

    def start_of(self, time_zone: str) -> datetime:
        """Today's local midnight in `time_zone`."""
        today, _ = self.of(time_zone)
        return datetime.combine(today, time.min, tzinfo=zoneinfo.ZoneInfo(time_zone or settings.TIME_ZONE))


def next_local_midnight(now: datetime, tz: zoneinfo.ZoneInfo) -> datetime:
    """The first instant of the day after `now`'s local date in `tz`, in UTC."""
    tomorrow = timezone.localtime(now, tz).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time.min, tzinfo=tz).astimezone(UTC)


class _Audiences:
    """Who each audience is in the batch's projects: one query for all of them, made only if a level needs it."""

    def __init__(self, steps: list[DueStep], chains: Chains):
        self.steps, self.chains = steps, chains

    @cached_property
    def _members(self) -> tuple[dict[int, list[int]], dict[int, list[int]], dict[tuple[int, str], list[int]]]:
        """(project → Grade A/B admins, project → Grade A admins, (project, role) → holders)."""
        admins: dict[int, list[int]] = defaultdict(list)
        grade_a: dict[int, list[int]] = defaultdict(list)
        holders: dict[tuple[int, str], list[int]] = defaultdict(list)
        roles = {step.rule_role for step in self.steps if step.rule_role}
        roles |= {level.role for chain in self.chains.values() for level in chain if level.role}
        members = (
            Membership.objects.filter(
                project_id__in={step.permit.project_id for step in self.steps}, is_active=True, user__is_active=True
            )
            .filter(Q(grade__in=ADMIN_GRADES) | Q(roles__name__in=roles))
            .values_list("project_id", "user_id", "grade", "roles__name")
            .order_by("user_id")
        )
        for project_id, user_id, grade, role in members:
            groups = [holders[(project_id, role)]] if role in roles else []
            if grade in ADMIN_GRADES:
                groups.append(admins[project_id])
            if grade == Grade.A:
                groups.append(grade_a[project_id])
            for group in groups:
                if user_id not in group:
                    group.append(user_id)
        return admins, grade_a, holders

    def recipients(self, step: DueStep, level: ChainLevel) -> list[int]:
        """Whom `level` tells about `step`: never the assignee (or the creator while unassigned) a second time."""
        project_id = step.permit.project_id
        # nobody holds it (or its holder left): the creator must assign someone, while still a member
        holder = step.assignee_id or (step.permit.creator_id if step.creator_is_member else None)
        if level.audience == EscalationAudience.ASSIGNEE:
            return [holder] if holder else []
        admins, grade_a, holders = self._members
        if level.audience == EscalationAudience.ESCALATION:
            users = holders.get((project_id, step.rule_role), []) if step.rule_role else []
            users = users or admins.get(project_id, [])
        elif level.audience == EscalationAudience.GRADE_A:
            users = grade_a.get(project_id, [])
        else:
            users = holders.get((project_id, level.role), [])
        return [user_id for user_id in users if user_id != holder]


def _event(plan: _Plan, reach: Reached, user_id: int) -> PermitNotice:
    step, permit, level = plan.step, plan.step.permit, reach.level
    repeat = f":repeat:{reach.repeat}" if reach.repeat else ""
    return PermitNotice(
        user_id,
        level.event_type,
        permit,
        message=_message(plan, reach, user_id),
        extra_data={
            "step": step.step_id,
            "step_pk": step.pk,
            "level": level.level,
            **({"repeat": reach.repeat} if reach.repeat else {}),
            "assignee_id": step.assignee_id,
            "pending_hours": _hours(plan.pending),
            "time_limit_hours": float(plan.limit_hours),
            "waiting_since": step.pending_since.isoformat(),
            # The rule's channels (ptw/notification_routes.py); absent without a rule: e-mail.
            **({"notification_method": step.rule_method} if step.rule_method else {}),
        },
        dedupe_extra=f"step:{step.pk}:level:{level.level}{repeat}",
        # the page's escalation section: acknowledge, reassign, take over
        anchor="" if level.is_warning else "escalation",
    )


def _message(plan: _Plan, reach: Reached, user_id: int) -> str:
    """Which step, who holds it, for how long (or how soon it is due)."""
    step, permit, level = plan.step, plan.step.permit, reach.level
    what = f"The {step.name.lower()} of permit {permit.number} ({permit.title})"
    if step.assignee_id is None:  # the creator must assign someone
        holder = "you" if user_id == permit.creator_id else step.creator_name
    else:
        holder = "you" if user_id == step.assignee_id else step.assignee_name
    if level.is_warning:
        left = timedelta(hours=float(plan.limit_hours)) - plan.pending
        return f"{what} is due in {format_duration(left)} (limit {format_hours(plan.limit_hours)} h), with {holder}."
    how_long = f"{format_duration(plan.pending)} (limit {format_hours(plan.limit_hours)} h)"
    if step.assignee_id is None:
        if step.assignee_name:  # assigned to someone who left the project
            text = (
                f"{what} has been pending for {how_long} with {step.assignee_name}, who is no longer a member "
                f"of the project: {holder} must assign someone else."
            )
        else:
            text = f"{what} has had nobody assigned for {how_long}: {holder} must assign someone."
    else:
        text = f"{what} has been pending with {holder} for {how_long}."
    if level.audience != EscalationAudience.ASSIGNEE:
        text += " It has been escalated to you."
    if reach.repeat:
        text += " Nobody has acted on it yet."
    return text


def _record(plan: _Plan, reach: Reached, now: datetime) -> dict:
    step = plan.step
    return {
        "permit": step.permit.id,
        "step": step.pk,
        "level": reach.level.level,
        "repeat": reach.repeat,
        "event_type": reach.level.event_type,
        "reached_at": now,
        "local_date": plan.local_date,
        "pending_hours": Decimal(str(_hours(plan.pending))),
        "recipient_ids": reach.recipient_ids,
    }


def _hours(delta: timedelta) -> float:
    return round(delta.total_seconds() / 3600, 2)
