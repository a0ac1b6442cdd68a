"""Creating and editing permits (the draft stage)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from accounts.models import Project, User
from accounts.selectors import membership_get

from . import actions
from . import notification_utils as notes
from .actions import performs
from .audit import log_event
from .durations import format_hours
from .errors import InvalidInput
from .models import Permit, PermitType
from .notification_utils import PermitFacts

EDITABLE_FIELDS = ("permit_type", "title", "description", "location", "planned_start_time", "planned_end_time")


def _validate(
    *,
    permit_type: PermitType,
    planned_start_time: datetime,
    planned_end_time: datetime,
    now: datetime,
    start_changed: bool = True,
) -> None:
    """Raise InvalidInput (field messages) unless the times are within bounds and the type is active.

    The start may lie at most PTW_PERMIT_START_MAX_PAST_HOURS before `now` (checked only when it
    changes: an old draft stays editable) and at most PTW_PERMIT_START_MAX_AHEAD_DAYS after; the
    end comes after the start, at most the type's `max_validity_hours` later.
    """
    errors: dict[str, list[str]] = {}
    earliest = now - timedelta(hours=settings.PTW_PERMIT_START_MAX_PAST_HOURS)
    latest = now + timedelta(days=settings.PTW_PERMIT_START_MAX_AHEAD_DAYS)
    if start_changed and planned_start_time < earliest:
        errors["planned_start_time"] = [
            f"The planned start may be at most {format_hours(settings.PTW_PERMIT_START_MAX_PAST_HOURS)} h in the past."
        ]
    elif planned_start_time > latest:
        errors["planned_start_time"] = [
            f"The planned start may be at most {settings.PTW_PERMIT_START_MAX_AHEAD_DAYS} days ahead."
        ]
    if planned_end_time <= planned_start_time:
        errors["planned_end_time"] = ["The planned end must be after the planned start."]
    elif planned_end_time - planned_start_time > timedelta(hours=permit_type.max_validity_hours):
        errors["planned_end_time"] = [
            f"A {permit_type.name} permit may run at most {format_hours(permit_type.max_validity_hours)} h: "
            "plan a later end as another permit."
        ]
    if not permit_type.is_active:
        errors["permit_type"] = [f"Permit type '{permit_type.name}' is not active."]
    if errors:
        raise InvalidInput(errors)


def permit_number_for(permit: Permit) -> str:
    return f"PTW-{permit.created_at:%Y}-{permit.pk:06d}"


@transaction.atomic
def create_permit(
    *,
    by: User,
    project: Project,
    permit_type: PermitType,
    title: str,
    location: str,
    planned_start_time: datetime,
    planned_end_time: datetime,
    description: str = "",
    now: datetime,
) -> Permit:
    """Create a draft permit numbered PTW-<year>-<id>; the creator must be a project member."""
    if membership_get(user=by, project_id=project.pk) is None:
        raise InvalidInput({"project": ["You are not a member of this project."]})
    _validate(
        permit_type=permit_type,
        planned_start_time=planned_start_time,
        planned_end_time=planned_end_time,
        now=now,
    )
    permit = Permit.objects.create(
        project=project,
        permit_type=permit_type,
        title=title,
        description=description,
        location=location,
        planned_start_time=planned_start_time,
        planned_end_time=planned_end_time,
        created_by=by,
        created_at=now,
        updated_at=now,
    )
    permit.permit_number = permit_number_for(permit)
    permit.save(update_fields=["permit_number"])
    log_event(permit, by=by, action="created", now=now, to_status=permit.status)
    notes.notify_permit_created(PermitFacts.of(permit), now=now)
    return permit


@performs(actions.EDIT)
def update_permit(*, permit: Permit, by: User, now: datetime, **changes) -> Permit:
    """Edit a draft permit (creator only)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput({name: ["This field cannot be changed."] for name in sorted(unknown)})
    changes = {name: value for name, value in changes.items() if getattr(permit, name) != value}
    if not changes:
        return permit  # nothing changed: no write, no audit event
    for name, value in changes.items():
        setattr(permit, name, value)
    _validate(
        permit_type=permit.permit_type,
        planned_start_time=permit.planned_start_time,
        planned_end_time=permit.planned_end_time,
        now=now,
        start_changed="planned_start_time" in changes,
    )
    permit.updated_at = now
    permit.save()
    log_event(permit, by=by, action="edited", now=now, comment=", ".join(sorted(changes)))
    return permit
