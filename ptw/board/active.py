"""Active permits of a project, soonest end first, with risk, location and isolation state."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q

from accounts.models import Project
from ptw.models import IsolationStatus, Permit, PermitStatus

ACTIVE_LIMIT = 50


@dataclass(frozen=True)
class IsolationState:
    """How far the permit's isolation points are: `key` is none, verified, partial or deisolated."""

    key: str
    label: str


@dataclass(frozen=True)
class ActivePermit:
    permit: Permit
    remaining: timedelta
    isolation: IsolationState

    @property
    def is_past_end(self) -> bool:
        return self.remaining <= timedelta(0)


def isolation_state(*, total: int, verified: int, deisolated: int, required: bool) -> IsolationState:
    if total == 0:
        if required:
            return IsolationState("missing", "None recorded (required)")
        return IsolationState("none", "No isolation")
    if deisolated == total:
        return IsolationState("deisolated", "De-isolated")
    if verified == total:
        return IsolationState("verified", f"Verified ({verified}/{total})")
    return IsolationState("partial", f"{verified} of {total} verified")


def active_permits(project: Project, *, now: datetime, limit: int = ACTIVE_LIMIT) -> list[ActivePermit]:
    """Up to `limit` active permits, the one ending first at the top; one query.

    Reads the project's active rows (index permit_project_status) and their isolation points
    (grouped in the same statement), never the permit history.
    """
    permits = (
        Permit.objects.filter(project=project, status=PermitStatus.ACTIVE)
        .select_related("permit_type")
        .annotate(
            iso_total=Count("isolation_points"),
            iso_verified=Count("isolation_points", filter=Q(isolation_points__status=IsolationStatus.VERIFIED)),
            iso_deisolated=Count("isolation_points", filter=Q(isolation_points__status=IsolationStatus.DEISOLATED)),
        )
        .order_by("planned_end_time", "pk")[:limit]
    )
    return [
        ActivePermit(
            permit=permit,
            remaining=permit.planned_end_time - now,
            isolation=isolation_state(
                total=permit.iso_total,
                verified=permit.iso_verified,
                deisolated=permit.iso_deisolated,
                required=permit.permit_type.requires_structured_isolation,
            ),
        )
        for permit in permits
    ]
