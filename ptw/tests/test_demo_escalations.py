"""The demo with escalations on (as `make demo`): a chain and an acknowledged escalation (issue 12).

In a module of its own: the demo's module-scoped fixture would already have loaded it.
"""

import pytest
from django.utils import timezone

from ptw.demo import seed_demo
from ptw.escalation_chains import load_chains, rule_preview
from ptw.models import EscalationRule, PermitEvent, WorkflowStep


@pytest.mark.django_db
def test_with_escalations_on_the_demo_shows_a_chain_and_an_acknowledged_escalation(settings):
    settings.ESCALATIONS_ENABLED = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    seed_demo(now=timezone.now())

    rule = EscalationRule.objects.get(permit_type__name="Confined Space", project__code="DEMO")
    assert rule_preview(rule, load_chains()) == (
        "Confined Space verification, 2 h: 1.5 h → verifier; 2 h → verifier; 4 h → safety_officer; "
        "6 h → Grade A admins; then every 2 h"
    )
    event = PermitEvent.objects.get(action="escalation_acknowledged")
    assert event.actor.username == "client_admin_a" and "calling Arjun" in event.comment
    step = WorkflowStep.objects.get(instance__permit=event.permit, status="pending")
    assert step.acknowledged_until > timezone.now()
