"""Escalation rules page: Grade A admins change their projects' rules and chains, superusers also the
global defaults (the Django admin offers the same). A rule the user may not change is not found (404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts.requests import AuthenticatedHttpRequest
from ptw.errors import InvalidInput
from ptw.escalation_chains import load_chains, rule_preview
from ptw.escalation_rules import (
    role_names_visible_to,
    rule_projects_of,
    rules_visible_to,
    save_escalation_chain,
    save_escalation_rule,
)
from ptw.forms import chain_levels

from .. import selectors
from ..forms import (
    EscalationLevelFormSet,
    EscalationRuleForm,
    NewEscalationRuleForm,
    add_service_errors,
)
from ..post_only import post_only


def _require_rules_admin(request: AuthenticatedHttpRequest) -> None:
    if not selectors.is_rules_admin(request.user):
        raise PermissionDenied("Only Grade A admins may change escalation rules.")


def _new_rule_form(request: AuthenticatedHttpRequest, data=None) -> NewEscalationRuleForm:
    user = request.user
    return NewEscalationRuleForm(data, projects=rule_projects_of(user), may_add_global=user.is_superuser)


@login_required
def rule_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The rules (GET) or a new rule (POST)."""
    _require_rules_admin(request)
    new_form = _new_rule_form(request, request.POST or None)
    if new_form.is_valid() and _saved(request, new_form):
        return redirect("web:rules")
    return _render(request, new_form=new_form, status=400 if new_form.errors else 200)


@login_required
@post_only(lambda request, pk: reverse("web:rules"))
def rule_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A rule and, when the page sent it, its chain of levels."""
    _require_rules_admin(request)
    rule = get_object_or_404(rules_visible_to(request.user), pk=pk)
    form = EscalationRuleForm(request.POST, instance=rule, prefix=f"rule{pk}")
    chain = EscalationLevelFormSet(request.POST, instance=rule, prefix=f"rule{pk}-levels")
    sent_chain = f"rule{pk}-levels-TOTAL_FORMS" in request.POST
    if (
        form.is_valid()
        and (not sent_chain or chain.is_valid())
        and _saved(request, form, chain if sent_chain else None)
    ):
        return redirect("web:rules")
    return _render(request, bound=(form, chain if sent_chain else None), status=400)


def _saved(request: AuthenticatedHttpRequest, form: EscalationRuleForm, chain=None) -> bool:
    try:
        with transaction.atomic():
            rule = save_escalation_rule(rule=form.instance, by=request.user)
            if chain is not None:
                save_escalation_chain(rule=rule, levels=chain_levels(chain), by=request.user)
    except InvalidInput as error:
        add_service_errors(form, error)
        return False
    messages.success(request, f"Saved: {rule}{'' if rule.is_active else ' (disabled)'}.")
    return True


def _render(request: AuthenticatedHttpRequest, *, new_form=None, bound=None, status=200) -> HttpResponse:
    rules = list(
        rules_visible_to(request.user)
        .select_related("permit_type", "project")
        .order_by("project__name", "permit_type__name", "step_name", "-is_active")
    )
    chains = load_chains()
    cards = []
    for rule in rules:
        form, chain = bound if bound is not None and bound[0].instance.pk == rule.pk else (None, None)
        cards.append(
            {
                "form": form or EscalationRuleForm(instance=rule, prefix=f"rule{rule.pk}"),
                "chain": chain or EscalationLevelFormSet(instance=rule, prefix=f"rule{rule.pk}-levels"),
                "preview": rule_preview(rule, chains),
            }
        )
    return render(
        request,
        "web/escalation_rules.html",
        {
            "cards": cards,
            "forms": [card["form"] for card in cards],
            "new_form": new_form or _new_rule_form(request),
            "roles": role_names_visible_to(request.user),
        },
        status=status,
    )
