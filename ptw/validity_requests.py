"""What extension and handover requests share: their time limit, and lapsing when the permit ends."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings

from .models import ExtensionStatus, HandoverStatus, Permit, PermitExtension, PermitHandover, PermitType


def request_time_limit(permit_type: PermitType) -> timedelta:
    """How long a request may wait for its answer: the type's limit, else PTW_VALIDITY_REQUEST_HOURS."""
    hours = permit_type.request_time_limit_hours
    if hours is None:
        hours = Decimal(str(settings.PTW_VALIDITY_REQUEST_HOURS))
    return timedelta(hours=float(hours))


def first_check_at(permit_type: PermitType, *, requested_at: datetime) -> datetime:
    """When the overdue check first looks at a new request: at 1× its limit."""
    return requested_at + request_time_limit(permit_type)


def lapse_pending_requests(permit: Permit, *, now: datetime) -> int:
    """The permit ended (expired, completed, cancelled): requests still waiting lapse, and stop escalating.

    A pending extension never holds the end back: the permit expires at its planned end.
    Returns how many extension requests lapsed (0 or 1).
    """
    lapsed = PermitExtension.objects.filter(permit=permit, status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.LAPSED, decided_at=now, next_check_at=None
    )
    PermitHandover.objects.filter(permit=permit, status=HandoverStatus.PENDING).update(
        status=HandoverStatus.LAPSED, decided_at=now, next_check_at=None
    )
    return lapsed
