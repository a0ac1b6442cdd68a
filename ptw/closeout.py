"""The closeout checklist of a permit, filled in before it can be completed."""

from datetime import datetime

from accounts.models import User

from . import actions
from .actions import performs
from .audit import log_event
from .errors import InvalidInput
from .models import Permit, PermitCloseout
from .selectors import closeout_for


def start_closeout(permit: Permit, *, now: datetime) -> PermitCloseout:
    """The permit's closeout, created from its type's active template on first use."""
    closeout = closeout_for(permit)
    if closeout.pk is None:
        closeout.updated_at = now
        closeout.save()
    return closeout


def missing_closeout_items(permit: Permit, *, now: datetime) -> list[str]:
    """Labels of the required checklist items not done yet (the checklist starts if it had not)."""
    return start_closeout(permit, now=now).missing_required_items


@performs(actions.CLOSEOUT)
def update_closeout(
    *,
    permit: Permit,
    by: User,
    items: dict[str, dict] | None = None,
    remarks: str | None = None,
    now: datetime,
) -> PermitCloseout:
    """Tick items ({key: {"done": bool, "remarks": str}}); stamps completion when all required are done."""
    closeout = start_closeout(permit, now=now)
    known = {item["key"]: item for item in closeout.items}
    unknown = sorted(set(items or {}) - set(known))
    if unknown:
        raise InvalidInput({"items": [f"Unknown checklist item(s): {', '.join(unknown)}."]})
    for key, change in (items or {}).items():
        if "done" in change:
            known[key]["done"] = bool(change["done"])
        if "remarks" in change:
            known[key]["remarks"] = str(change["remarks"])[:1000]
    if remarks is not None:
        closeout.remarks = remarks
    if closeout.is_complete and closeout.completed_at is None:
        closeout.completed_by, closeout.completed_at = by, now
    elif not closeout.is_complete:
        closeout.completed_by, closeout.completed_at = None, None
    closeout.updated_at = now
    closeout.save()
    log_event(
        permit,
        by=by,
        action="closeout_updated",
        now=now,
        comment="; ".join(
            f"{known[key]['label']}: {'done' if known[key].get('done') else 'not done'}" for key in (items or {})
        ),
    )
    return closeout
