"""Escalation rules: who may see and change which (selectors), and saving them (services).

A rule belongs to a project, or is a global default (no project) used by projects without
their own. A project's Grade A admins see and change only their projects' rules; only
superusers change the global defaults. The Django admin and the web rules page both call these.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from accounts.models import Grade, MembershipRole, Project, User

from .errors import ActionNotAllowed, InvalidInput
from .escalation_schedule import reschedule_pending_steps
from .models import EscalationLevel, EscalationRule


def rule_projects_of(user: User) -> QuerySet[Project]:
    """The projects whose rules `user` may see and change: all for a superuser, else where they are Grade A."""
    if user.is_superuser:
        return Project.objects.all()
    return Project.objects.filter(memberships__user=user, memberships__is_active=True, memberships__grade=Grade.A)


def rules_visible_to(user: User) -> QuerySet[EscalationRule]:
    """The rules `user` may see and change: their projects' (every rule, global ones included, for a superuser)."""
    if user.is_superuser:
        return EscalationRule.objects.all()
    return EscalationRule.objects.filter(project__in=rule_projects_of(user))


def role_names_visible_to(user: User) -> list[str]:
    """The role names held in the projects whose rules `user` may change (never other projects')."""
    roles = MembershipRole.objects.all()
    if not user.is_superuser:
        roles = roles.filter(membership__project__in=rule_projects_of(user))
    return list(roles.values_list("name", flat=True).distinct().order_by("name"))


def may_change_rule(user: User, *, project_id: int | None) -> bool:
    """Superusers change any rule; a Grade A admin only their projects' (never a global default)."""
    if user.is_superuser:
        return True
    return project_id is not None and rule_projects_of(user).filter(pk=project_id).exists()


def _require_may_change(user: User | None, project_id: int | None) -> None:
    """`user` None is the system itself (the demo loader, a data migration): it may."""
    if user is not None and not may_change_rule(user, project_id=project_id):
        raise ActionNotAllowed(
            "Only superusers change the global rules." if project_id is None else "You may not change this rule."
        )


@transaction.atomic
def save_escalation_rule(*, rule: EscalationRule, by: User | None) -> EscalationRule:
    """Validate and save a rule; steps already pending that it concerns follow it at once."""
    previous = EscalationRule.objects.filter(pk=rule.pk).values("project_id", "permit_type_id", "step_name").first()
    if previous is not None:
        _require_may_change(by, previous["project_id"])
    _require_may_change(by, rule.project_id)
    try:
        rule.full_clean()
    except ValidationError as error:
        raise InvalidInput({k: list(v) for k, v in error.message_dict.items()}) from None
    _require_a_holder(rule)
    rule.save()
    scopes = {(rule.project_id, rule.permit_type_id, rule.step_name)}
    if previous:
        scopes.add((previous["project_id"], previous["permit_type_id"], previous["step_name"]))
    for project_id, permit_type_id, step_name in scopes:
        reschedule_pending_steps(project_id=project_id, permit_type_id=permit_type_id, step_id=step_name)
    return rule


@transaction.atomic
def delete_escalation_rule(*, rule: EscalationRule, by: User | None) -> None:
    _require_may_change(by, rule.project_id)
    project_id, permit_type_id, step_name = rule.project_id, rule.permit_type_id, rule.step_name
    rule.delete()
    reschedule_pending_steps(project_id=project_id, permit_type_id=permit_type_id, step_id=step_name)


@transaction.atomic
def save_escalation_chain(
    *, rule: EscalationRule, levels: list[EscalationLevel], by: User | None
) -> list[EscalationLevel]:
    """Replace the rule's own levels by `levels` (none: it follows the global chain); pending steps follow at once.

    Every level is validated (a known event type, an audience, a role where the audience needs
    one); numbers must differ; only the last level (by multiplier) may repeat.
    """
    _require_may_change(by, rule.project_id)
    errors: dict[str, list[str]] = {}
    ordered = sorted(levels, key=lambda level: (level.multiplier, level.level))
    for position, level in enumerate(ordered):
        level.pk, level.rule = None, rule  # the chain is written anew
        try:
            level.full_clean(exclude=["rule"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(f"Level {level.level}: {message}" for message in messages)
        if level.repeat_every_hours and position != len(ordered) - 1:
            errors.setdefault("repeat_every_hours", []).append(f"Level {level.level}: only the last level repeats.")
    numbers = [level.level for level in ordered]
    if len(set(numbers)) != len(numbers):
        errors.setdefault("level", []).append("Each level needs its own number.")
    if errors:
        raise InvalidInput(errors)
    EscalationLevel.objects.filter(rule=rule).delete()
    saved = EscalationLevel.objects.bulk_create(ordered)
    reschedule_pending_steps(project_id=rule.project_id, permit_type_id=rule.permit_type_id, step_id=rule.step_name)
    return saved


def _require_a_holder(rule: EscalationRule) -> None:
    """Refuse a role nobody holds (in the rule's project, or anywhere for a global rule): its
    escalations would silently reach only the fallback admins."""
    roles = MembershipRole.objects.filter(membership__project_id=rule.project_id) if rule.project_id else None
    roles = roles if roles is not None else MembershipRole.objects.all()
    if not rule.escalate_to_role or roles.filter(name=rule.escalate_to_role).exists():
        return
    held = sorted(set(roles.values_list("name", flat=True)))
    choices = f"Roles people hold: {', '.join(held)}." if held else "Nobody holds any role yet."
    raise InvalidInput(
        {
            "escalate_to_role": [
                f"Nobody holds the role “{rule.escalate_to_role}”, so its escalations would reach only the "
                f"Grade A/B admins. {choices} Or leave it empty to escalate to those admins."
            ]
        }
    )
