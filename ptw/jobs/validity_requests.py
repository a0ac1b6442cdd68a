"""Extension and handover requests left unanswered: overdue for the answerer at 1× their time
limit, escalated to the project's Grade A/B admins at 2× (issue 15).

Kept apart from the workflow-step escalation (ptw/jobs/overdue.py): a request's limit is its
permit type's `request_time_limit_hours`, else PTW_VALIDITY_REQUEST_HOURS; each level is
notified once per request (`escalation_level` remembers the highest sent; the dedupe key names
the request and the level, dated by when the level fell due).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db.models import Model

from accounts.models import ADMIN_GRADES, Membership
from backend.bulk import set_column_by_id
from backend.claims import claimable

from ..durations import format_duration, format_hours
from ..models import ExtensionStatus, HandoverStatus, PermitExtension, PermitHandover
from ..notification_utils import PermitFacts, PermitNotice, create_ptw_notifications
from .runs import JobReport, record_job_run, sweep_in_batches

JOB = "check_pending_validity_requests"
LEVELS = ((1, "ptw_overdue"), (2, "ptw_escalated"))  # at 1× and 2× the limit, as for workflow steps


@dataclass(frozen=True)
class RequestKind:
    name: str  # in the dedupe key and the notification's data
    model: type[Model]
    pending: str
    answerer: str  # the path to who must answer
    what: str  # how a message names it
    answer: str  # what it waits for


KINDS = (
    RequestKind(
        "extension", PermitExtension, ExtensionStatus.PENDING, "permit__approver", "The extension request", "decision"
    ),
    RequestKind("handover", PermitHandover, HandoverStatus.PENDING, "to_user", "The handover", "acceptance"),
)


def check_pending_validity_requests(*, now: datetime) -> JobReport:
    """Notify the levels reached by pending requests that are due; return the report.

    1. Nothing happens while ESCALATIONS_ENABLED is off (the run is still recorded).
    2. For each kind, claim pending requests with `next_check_at <= now` (partial indexes
       `permitextension_due`, `permithandover_due`) in batches.
    3. Work out the levels reached since the last one sent: 1 → the answerer (`ptw_overdue`),
       2 → the project's Grade A/B admins but the answerer (`ptw_escalated`).
    4. One insert of the batch's notifications; one UPDATE each for `escalation_level` and
       `next_check_at` (the 2× moment, or none once level 2 is sent).
    """
    with record_job_run(JOB, now=now) as report:
        if not settings.ESCALATIONS_ENABLED:
            report.add({"disabled": 1})
            return report
        for kind in KINDS:
            sweep_in_batches(
                report,
                claim=partial(_claim, kind, now),
                process=partial(_escalate, kind, now=now),
                describe=partial(_describe, kind),
            )
    return report


def _describe(kind: RequestKind, request: "DueRequest") -> str:
    return f"{kind.name} request {request.pk}"


@dataclass(slots=True)
class DueRequest:
    pk: int
    requested_at: datetime
    level_sent: int
    limit_hours: Decimal | None
    answerer_id: int | None
    answerer_name: str
    permit: PermitFacts


def _claim(
    kind: RequestKind, now: datetime, *, size: int, exclude: set[int], after: object = None, only: int | None = None
) -> list[DueRequest]:
    """Lock up to `size` due requests, oldest due first, as plain rows (processed rows leave the due set)."""
    due = kind.model._default_manager.filter(status=kind.pending, next_check_at__lte=now)
    if only is not None:
        due = due.filter(pk=only)
    if exclude:
        due = due.exclude(pk__in=exclude)
    rows = claimable(due.order_by("next_check_at", "pk")).values_list(
        "pk",
        "requested_at",
        "escalation_level",
        "permit__permit_type__request_time_limit_hours",
        f"{kind.answerer}_id",
        f"{kind.answerer}__first_name",
        f"{kind.answerer}__last_name",
        f"{kind.answerer}__username",
        "permit_id",
        "permit__permit_number",
        "permit__title",
        "permit__permit_type__name",
        "permit__project__time_zone",
        "permit__project_id",
        "permit__created_by_id",
        "permit__holder_id",
    )[:size]
    return [
        DueRequest(
            pk,
            requested_at,
            level_sent,
            limit,
            answerer_id,
            f"{first or ''} {last or ''}".strip() or (username or "nobody"),
            PermitFacts(
                id=permit_id,
                number=number,
                title=title,
                type_name=type_name,
                time_zone=time_zone,
                project_id=project_id,
                creator_id=creator_id,
                holder_id=holder_id,
            ),
        )
        for (
            pk,
            requested_at,
            level_sent,
            limit,
            answerer_id,
            first,
            last,
            username,
            permit_id,
            number,
            title,
            type_name,
            time_zone,
            project_id,
            creator_id,
            holder_id,
        ) in rows
    ]


def _escalate(kind: RequestKind, requests: list[DueRequest], *, now: datetime) -> dict[str, int]:
    admins = _admins({request.permit.project_id for request in requests})
    notices: list[PermitNotice] = []
    levels, next_checks = {}, {}
    for request in requests:
        limit = _limit(request)
        waited = now - request.requested_at
        reached = [(level, event) for level, event in LEVELS if waited >= limit * level and level > request.level_sent]
        for level, event in reached:
            recipients = [request.answerer_id] if level == 1 else admins.get(request.permit.project_id, [])
            notices += [
                _notice(kind, request, level, event, user_id, limit=limit, waited=waited)
                for user_id in recipients
                if user_id is not None and (level == 1 or user_id != request.answerer_id)
            ]
        levels[request.pk] = max([request.level_sent, *(level for level, _ in reached)])
        upcoming = [request.requested_at + limit * level for level, _ in LEVELS if level > levels[request.pk]]
        next_checks[request.pk] = min(upcoming, default=None)
    created = create_ptw_notifications(notices, now=now)
    set_column_by_id(kind.model, "escalation_level", levels)
    set_column_by_id(kind.model, "next_check_at", next_checks)
    return {f"{kind.name}_requests": len(requests), f"{kind.name}_notifications": len(created)}


def _limit(request: DueRequest) -> timedelta:
    hours = request.limit_hours if request.limit_hours is not None else settings.PTW_VALIDITY_REQUEST_HOURS
    return timedelta(hours=float(hours))


def _admins(project_ids: set[int]) -> dict[int, list[int]]:
    """{project id: its active Grade A/B admins' ids} (one query for the batch)."""
    found: dict[int, list[int]] = defaultdict(list)
    members = Membership.objects.filter(
        project_id__in=project_ids, is_active=True, user__is_active=True, grade__in=ADMIN_GRADES
    ).values_list("project_id", "user_id")
    for project_id, user_id in members.order_by("user_id"):
        found[project_id].append(user_id)
    return found


def _notice(
    kind: RequestKind,
    request: DueRequest,
    level: int,
    event: str,
    user_id: int,
    *,
    limit: timedelta,
    waited: timedelta,
) -> PermitNotice:
    permit = request.permit
    who = "your" if user_id == request.answerer_id else f"{request.answerer_name}'s"
    limit_hours = format_hours(Decimal(str(limit.total_seconds() / 3600)).quantize(Decimal("0.01")))
    text = (
        f"{kind.what} on permit {permit.number} ({permit.title}) has waited {format_duration(waited)} "
        f"for {who} {kind.answer} (limit {limit_hours} h)."
    )
    if kind.name == "extension":
        text += " The permit still expires at its current end until it is approved."
    if level == 2:
        text += " It has been escalated to you."
    return PermitNotice(
        user_id,
        event,
        permit,
        message=text,
        extra_data={"request": f"{kind.name}:{request.pk}", "level": level},
        dedupe_extra=f"{kind.name}:{request.pk}:level:{level}",
        dedupe_at=request.requested_at + limit * level,
    )
