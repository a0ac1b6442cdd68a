"""The closeout checklist of a permit, filled in before it can be completed."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .audit import log_event
from .errors import InvalidInput
from .models import CloseoutTemplate, Permit, PermitCloseout
from .policy import actor_for, require


def closeout_for(permit: Permit) -> PermitCloseout:
    """The permit's closeout, or an unsaved one built from its type's active template (for reading)."""
    closeout = PermitCloseout.objects.filter(permit=permit).select_related("completed_by").first()
    if closeout is not None:
        return closeout
    template = CloseoutTemplate.objects.filter(permit_type_id=permit.permit_type_id, is_active=True).first()
    items = [
        {
            "key": item["key"],
            "label": item["label"],
            "required": bool(item.get("required", True)),
            "done": False,
            "remarks": "",
        }
        for item in (template.items if template else [])
    ]
    return PermitCloseout(permit=permit, template=template, items=items)


def start_closeout(permit: Permit) -> PermitCloseout:
    """The permit's closeout, created from its type's active template on first use."""
    closeout = closeout_for(permit)
    if closeout.pk is None:
        closeout.save()
    return closeout


def missing_closeout_items(permit: Permit) -> list[str]:
    return start_closeout(permit).missing_required_items


@transaction.atomic
def update_closeout(
    *,
    permit: Permit,
    by: User,
    items: dict[str, dict] | None = None,
    remarks: str | None = None,
    now: datetime | None = None,
) -> PermitCloseout:
    """Tick items ({key: {"done": bool, "remarks": str}}); stamps completion when all required are done."""
    now = now or timezone.now()
    permit.refresh_from_db(from_queryset=Permit.objects.select_for_update())
    require(actor_for(by, permit), permit, "closeout")
    closeout = start_closeout(permit)
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
    closeout.save()
    log_event(
        permit,
        by=by,
        action="closeout_updated",
        now=now,
        comment=", ".join(f"{k}={'done' if v.get('done') else 'open'}" for k, v in (items or {}).items()),
    )
    return closeout
