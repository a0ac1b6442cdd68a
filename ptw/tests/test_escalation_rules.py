"""Escalation rules per project (issue 9): scope of who sees and changes them, and which one a step follows."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import Grade
from notifications.models import Notification
from ptw.errors import ActionNotAllowed
from ptw.escalation import check_overdue_workflow_tasks
from ptw.escalation_rules import (
    delete_escalation_rule,
    role_names_visible_to,
    rules_visible_to,
    save_escalation_rule,
)
from ptw.escalation_schedule import rule_for
from ptw.models import EscalationRule, WorkflowStep
from ptw.tests.factories import EscalationRuleFactory, ProjectFactory, UserFactory, member
from ptw.tests.test_escalation import submit

pytestmark = pytest.mark.django_db

MONDAY_9AM = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def other_project():
    return ProjectFactory.create(code="OTHER")


@pytest.fixture
def rules(project, other_project, permit_type):
    """A global default (8 h), this project's rule (2 h) and another project's (6 h), all for verification."""
    return {
        "global": EscalationRuleFactory.create(project=None, permit_type=permit_type, time_limit_hours=8),
        "own": EscalationRuleFactory.create(project=project, permit_type=permit_type, time_limit_hours=2),
        "other": EscalationRuleFactory.create(project=other_project, permit_type=permit_type, time_limit_hours=6),
    }


def test_a_step_follows_its_projects_rule_first_then_the_global_default(project, other_project, permit_type, rules):
    assert rule_for(project_id=project.pk, permit_type_id=permit_type.pk, step_id="verification") == rules["own"]
    third = ProjectFactory.create(code="THIRD")
    assert rule_for(project_id=third.pk, permit_type_id=permit_type.pk, step_id="verification") == rules["global"]
    rules["own"].is_active = False
    save_escalation_rule(rule=rules["own"], by=None)
    assert rule_for(project_id=project.pk, permit_type_id=permit_type.pk, step_id="verification") == rules["global"]


def test_the_sweep_uses_the_projects_rule_and_other_projects_keep_the_global_one(
    escalations_on, project, other_project, creator, verifier, permit_type, rules
):
    here = submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)
    there_creator = member(other_project, username="there_creator")
    there_verifier = member(other_project, company_type="epc", username="there_verifier")
    there = submit(other_project, there_creator, permit_type, at=MONDAY_9AM, verifier=there_verifier)

    check_overdue_workflow_tasks(now=MONDAY_9AM + timedelta(hours=2))

    assert _overdue_recipients(here) == ["verifier"]
    assert _overdue_recipients(there) == []
    step = WorkflowStep.objects.get(instance__permit=there)
    assert step.next_check_at == MONDAY_9AM + timedelta(hours=6)


def _overdue_recipients(permit):
    notes = Notification.objects.filter(subject_id=permit.pk, notification_type="ptw_overdue")
    return list(notes.values_list("recipient__username", flat=True))


def test_a_grade_a_admin_sees_their_projects_rules_and_roles_only(project, other_project, grade_a_admin, rules):
    member(project, roles=("safety_officer",))
    member(other_project, roles=("secret_role",))
    assert list(rules_visible_to(grade_a_admin)) == [rules["own"]]
    assert role_names_visible_to(grade_a_admin) == ["safety_officer"]
    superuser = UserFactory.create(is_superuser=True)
    assert set(rules_visible_to(superuser)) == set(rules.values())


@pytest.mark.parametrize("which", ["global", "other"])
def test_a_grade_a_admin_may_not_change_a_global_rule_or_another_projects(grade_a_admin, rules, which):
    rule = rules[which]
    rule.time_limit_hours = 1
    with pytest.raises(ActionNotAllowed):
        save_escalation_rule(rule=rule, by=grade_a_admin)
    with pytest.raises(ActionNotAllowed):
        delete_escalation_rule(rule=rule, by=grade_a_admin)
    rule.refresh_from_db()
    assert rule.time_limit_hours != 1


def test_a_rule_cannot_be_moved_out_of_the_admins_project(grade_a_admin, other_project, rules):
    rule = rules["own"]
    rule.project = other_project
    rule.is_active = False
    with pytest.raises(ActionNotAllowed):
        save_escalation_rule(rule=rule, by=grade_a_admin)


def test_a_project_rule_change_reschedules_only_that_projects_steps(
    project, other_project, creator, verifier, permit_type, rules
):
    submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)
    there = submit(
        other_project,
        member(other_project, username="c2"),
        permit_type,
        at=MONDAY_9AM,
        verifier=member(other_project, company_type="epc", username="v2"),
    )
    rules["own"].time_limit_hours = 3
    save_escalation_rule(rule=rules["own"], by=None)
    there_step = WorkflowStep.objects.get(instance__permit=there)
    assert there_step.next_check_at == MONDAY_9AM + timedelta(hours=6)  # untouched


# --- The Django admin, for staff who are a project's Grade A admins ------------------------------


@pytest.fixture
def staff_admin(project, client):
    user = member(project, grade=Grade.A, username="staff_admin", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__endswith="escalationrule"))
    client.force_login(user)
    return user


def test_the_admin_lists_only_the_staff_members_projects_rules(client, staff_admin, rules):
    page = client.get(reverse("admin:ptw_escalationrule_changelist"))
    assert list(page.context["cl"].result_list) == [rules["own"]]


@pytest.mark.parametrize("which", ["global", "other"])
def test_the_admin_does_not_open_another_projects_or_a_global_rule(client, staff_admin, rules, which):
    response = client.get(reverse("admin:ptw_escalationrule_change", args=[rules[which].pk]))
    assert response.status_code == 302  # the admin redirects a missing object to its index
    assert EscalationRule.objects.filter(pk=rules[which].pk).exists()


def test_the_admin_offers_only_the_staff_members_projects_for_a_new_rule(client, staff_admin, project, rules):
    page = client.get(reverse("admin:ptw_escalationrule_add"))
    choices = list(page.context["adminform"].form.fields["project"].queryset)
    assert choices == [project]
    assert page.context["adminform"].form.fields["project"].required
