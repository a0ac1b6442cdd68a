"""The permit's audit trail and the one guarded status change (DESIGN.md, "Permit state machine").

Every service that changes a permit records it here; `transition` is the only writer of
`Permit.status`. Kept apart from the services so that workflow, isolation and closeout
can all use it without importing each other.
"""

from datetime import datetime
from typing import Any

from accounts.models import User

from .errors import IllegalTransition
from .models import Permit, PermitEvent
from .states import ALLOWED_TRANSITIONS, is_allowed, status_phrase, statuses_phrase


def log_event(
    permit: Permit,
    *,
    by: User | None,
    action: str,
    now: datetime,
    comment: str = "",
    from_status: str = "",
    to_status: str = "",
) -> PermitEvent:
    """Write one audit event (actor None: the system); statuses default to the permit's current one."""
    return PermitEvent.objects.create(
        permit=permit,
        actor=by,
        action=action,
        from_status=from_status or permit.status,
        to_status=to_status or permit.status,
        comment=comment,
        created_at=now,
    )


def transition(
    permit: Permit,
    *,
    to: str,
    by: User | None,
    action: str,
    now: datetime,
    comment: str = "",
    fields: dict[str, Any] | None = None,
) -> None:
    """Move `permit` to status `to` if the table allows it and nobody changed it meanwhile.

    A conditional UPDATE (`WHERE status = <old>`), then the audit event; `fields` are written
    by the same UPDATE. Raises IllegalTransition (409) and changes nothing otherwise.
    """
    fields = fields or {}
    if not is_allowed(permit.status, to):
        allowed = ALLOWED_TRANSITIONS.get(permit.status, ())
        raise IllegalTransition(
            f"Permit {permit.permit_number} is {status_phrase(permit.status)} and cannot become "
            f"{status_phrase(to)}; it can next become {statuses_phrase(allowed)}.",
            current=permit.status,
            allowed=allowed,
        )
    updated = Permit.objects.filter(pk=permit.pk, status=permit.status).update(status=to, updated_at=now, **fields)
    if not updated:
        raise IllegalTransition(
            f"Permit {permit.permit_number} was changed by someone else meanwhile; reload it.",
            current=permit.status,
        )
    log_event(permit, by=by, action=action, from_status=permit.status, to_status=to, comment=comment, now=now)
    permit.status = to
    for name, value in fields.items():
        setattr(permit, name, value)
