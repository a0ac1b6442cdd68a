"""Saving escalation rules (Django admin and the web page both call this)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import MembershipRole

from .errors import InvalidInput
from .escalation_schedule import reschedule_pending_steps
from .models import EscalationRule


@transaction.atomic
def save_escalation_rule(*, rule: EscalationRule) -> EscalationRule:
    """Validate and save a rule; steps already pending of its (type, step) follow it at once."""
    previous = EscalationRule.objects.filter(pk=rule.pk).values("permit_type_id", "step_name").first()
    try:
        rule.full_clean()
    except ValidationError as error:
        raise InvalidInput({k: list(v) for k, v in error.message_dict.items()}) from None
    _require_a_holder(rule.escalate_to_role)
    rule.save()
    reschedule_pending_steps(permit_type_id=rule.permit_type_id, step_id=rule.step_name)
    if previous and (previous["permit_type_id"], previous["step_name"]) != (rule.permit_type_id, rule.step_name):
        reschedule_pending_steps(permit_type_id=previous["permit_type_id"], step_id=previous["step_name"])
    return rule


@transaction.atomic
def delete_escalation_rule(*, rule: EscalationRule) -> None:
    permit_type_id, step_name = rule.permit_type_id, rule.step_name
    rule.delete()
    reschedule_pending_steps(permit_type_id=permit_type_id, step_id=step_name)


def _require_a_holder(role: str) -> None:
    """Refuse a role nobody holds: its escalations would silently reach only the fallback admins."""
    if not role or MembershipRole.objects.filter(name=role).exists():
        return
    held = sorted(set(MembershipRole.objects.values_list("name", flat=True)))
    choices = f"Roles people hold: {', '.join(held)}." if held else "Nobody holds any role yet."
    raise InvalidInput(
        {
            "escalate_to_role": [
                f"Nobody holds the role “{role}”, so its escalations would reach only the Grade A/B admins. "
                f"{choices} Or leave it empty to escalate to those admins."
            ]
        }
    )
