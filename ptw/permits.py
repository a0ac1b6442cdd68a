"""Creating and editing permits (the draft stage)."""

from datetime import datetime

from django.db import transaction

from accounts.models import Project, User
from accounts.selectors import membership_get

from . import actions
from . import notification_utils as notes
from .actions import performs
from .audit import log_event
from .errors import InvalidInput
from .models import Permit, PermitType
from .notification_utils import PermitFacts

EDITABLE_FIELDS = ("permit_type", "title", "description", "location", "planned_start_time", "planned_end_time")


def _validate(*, permit_type: PermitType, planned_start_time: datetime, planned_end_time: datetime) -> None:
    errors: dict[str, list[str]] = {}
    if planned_end_time <= planned_start_time:
        errors["planned_end_time"] = ["The planned end must be after the planned start."]
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
    )
    permit.updated_at = now
    permit.save()
    log_event(permit, by=by, action="edited", now=now, comment=", ".join(sorted(changes)))
    return permit
