"""Escalation rules page, for Grade A admins (the Django admin offers the same)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts.models import MembershipRole
from accounts.requests import AuthenticatedHttpRequest
from ptw.errors import InvalidInput
from ptw.escalation_rules import save_escalation_rule
from ptw.models import EscalationRule

from .. import selectors
from ..forms import EscalationRuleForm, NewEscalationRuleForm, add_service_errors
from ..post_only import post_only


def _require_rules_admin(request: AuthenticatedHttpRequest) -> None:
    if not selectors.is_rules_admin(request.user):
        raise PermissionDenied("Only Grade A admins may change escalation rules.")


@login_required
def rule_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The rules (GET) or a new rule (POST)."""
    _require_rules_admin(request)
    new_form = NewEscalationRuleForm(request.POST or None)
    if new_form.is_valid() and _saved(request, new_form):
        return redirect("web:rules")
    return _render(request, new_form=new_form, status=400 if new_form.errors else 200)


@login_required
@post_only(lambda request, pk: reverse("web:rules"))
def rule_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_rules_admin(request)
    form = EscalationRuleForm(request.POST, instance=get_object_or_404(EscalationRule, pk=pk), prefix=f"rule{pk}")
    if form.is_valid() and _saved(request, form):
        return redirect("web:rules")
    return _render(request, bound=form, status=400)


def _saved(request: AuthenticatedHttpRequest, form: EscalationRuleForm) -> bool:
    try:
        rule = save_escalation_rule(rule=form.instance)
    except InvalidInput as error:
        add_service_errors(form, error)
        return False
    messages.success(request, f"Saved: {rule}{'' if rule.is_active else ' (disabled)'}.")
    return True


def _render(request: AuthenticatedHttpRequest, *, new_form=None, bound=None, status=200) -> HttpResponse:
    rules = EscalationRule.objects.select_related("permit_type").order_by(
        "permit_type__name", "step_name", "-is_active"
    )
    forms = [
        bound
        if bound is not None and bound.instance.pk == rule.pk
        else EscalationRuleForm(instance=rule, prefix=f"rule{rule.pk}")
        for rule in rules
    ]
    roles = MembershipRole.objects.values_list("name", flat=True).distinct().order_by("name")
    return render(
        request,
        "web/escalation_rules.html",
        {
            "forms": forms,
            "new_form": new_form or NewEscalationRuleForm(),
            "roles": list(roles),
        },
        status=status,
    )
