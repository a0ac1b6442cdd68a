"""The escalation rules page: Grade A admins list, edit, enable/disable and add rules."""

from decimal import Decimal

import pytest

from accounts.models import MembershipRole
from ptw.models import EscalationRule, WorkflowStep
from ptw.tests.factories import EscalationRuleFactory

from .conftest import login

pytestmark = pytest.mark.django_db

URL = "/dashboard/ptw/escalation-rules/"


@pytest.fixture
def rule(permit_type):
    return EscalationRuleFactory.create(permit_type=permit_type, step_name="verification", time_limit_hours=4)


def edit(rule, **changes):
    data = {
        "time_limit_hours": rule.time_limit_hours,
        "escalate_to_role": rule.escalate_to_role,
        "is_active": "on" if rule.is_active else "",
        **changes,
    }
    return {f"rule{rule.pk}-{name}": value for name, value in data.items() if value != ""}


def test_a_grade_a_admin_sees_the_rules_and_the_header_link(client, grade_a_admin, rule):
    response = login(client, grade_a_admin).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{rule.permit_type.name} · Verification" in html
    assert 'href="/dashboard/ptw/escalation-rules/"' in html


@pytest.mark.parametrize("person", ["grade_b_admin", "verifier", "creator"])
def test_others_are_forbidden(request, client, person, rule):
    login(client, request.getfixturevalue(person))
    assert client.get(URL).status_code == 403
    assert client.post(f"{URL}{rule.pk}/", edit(rule, time_limit_hours="1")).status_code == 403
    assert 'href="/dashboard/ptw/escalation-rules/"' not in client.get("/dashboard/ptw/").content.decode()
    rule.refresh_from_db()
    assert rule.time_limit_hours == 4


def test_changing_the_time_limit_and_role(client, grade_a_admin, rule):
    MembershipRole.objects.create(membership=grade_a_admin.memberships.get(), name="safety_officer")
    response = login(client, grade_a_admin).post(
        f"{URL}{rule.pk}/", edit(rule, time_limit_hours="2.5", escalate_to_role="safety_officer")
    )
    assert response.url == URL
    rule.refresh_from_db()
    assert (rule.time_limit_hours, rule.escalate_to_role) == (Decimal("2.5"), "safety_officer")


def test_a_role_nobody_holds_is_refused_with_a_sentence(client, grade_a_admin, rule):
    response = login(client, grade_a_admin).post(f"{URL}{rule.pk}/", edit(rule, escalate_to_role="fire_marshal"))

    assert response.status_code == 400
    assert "Nobody holds the role “fire_marshal”" in response.content.decode()
    rule.refresh_from_db()
    assert rule.escalate_to_role != "fire_marshal"


def test_a_second_active_rule_for_the_same_step_is_refused_with_a_sentence(client, grade_a_admin, rule):
    response = login(client, grade_a_admin).post(
        URL,
        {"permit_type": rule.permit_type_id, "step_name": rule.step_name, "time_limit_hours": "3", "is_active": "on"},
    )

    html = response.content.decode()
    assert response.status_code == 400 and "There is already an active rule for this permit type and step" in html
    assert "escalationrule_one_active_per_step" not in html


def test_disabling_and_enabling_a_rule(client, grade_a_admin, rule):
    login(client, grade_a_admin).post(f"{URL}{rule.pk}/", edit(rule, is_active=""))
    rule.refresh_from_db()
    assert not rule.is_active
    client.post(f"{URL}{rule.pk}/", edit(rule, is_active="on"))
    rule.refresh_from_db()
    assert rule.is_active


def test_a_bad_time_limit_is_shown_on_its_field(client, grade_a_admin, rule):
    response = login(client, grade_a_admin).post(f"{URL}{rule.pk}/", edit(rule, time_limit_hours="0"))
    assert response.status_code == 400
    assert "greater than or equal to 0.1" in response.content.decode()
    rule.refresh_from_db()
    assert rule.time_limit_hours == 4


def test_adding_a_rule_and_a_second_active_one_for_the_same_step_is_refused(client, grade_a_admin, permit_type):
    login(client, grade_a_admin)
    data = {
        "permit_type": permit_type.pk,
        "step_name": "approval",
        "time_limit_hours": "6",
        "escalate_to_role": "",
        "is_active": "on",
    }
    assert client.post(URL, data).url == URL
    assert EscalationRule.objects.filter(permit_type=permit_type, step_name="approval", is_active=True).count() == 1
    again = client.post(URL, data)
    assert again.status_code == 400
    assert again.context["new_form"].errors
    assert EscalationRule.objects.count() == 1


def test_a_changed_rule_reschedules_the_pending_steps(client, grade_a_admin, rule, submitted):

    login(client, grade_a_admin).post(f"{URL}{rule.pk}/", edit(rule, time_limit_hours="1"))
    step = WorkflowStep.objects.get(instance__permit=submitted)
    assert step.next_check_at == step.pending_since  # due at the next sweep, which applies the new limit
