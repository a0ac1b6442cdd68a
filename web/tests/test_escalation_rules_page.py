"""The escalation rules page: Grade A admins list, edit, enable/disable and add rules."""

from decimal import Decimal

import pytest

from accounts.models import Grade, MembershipRole
from ptw.errors import InvalidInput
from ptw.escalation_rules import save_escalation_rule
from ptw.models import EscalationRule, WorkflowStep
from ptw.tests.factories import EscalationRuleFactory, ProjectFactory, UserFactory, member

from .conftest import login

pytestmark = pytest.mark.django_db

URL = "/dashboard/ptw/escalation-rules/"


@pytest.fixture
def rule(project, permit_type):
    return EscalationRuleFactory.create(
        project=project, permit_type=permit_type, step_name="verification", time_limit_hours=4
    )


def edit(rule, **changes):
    data = {
        "time_limit_hours": rule.time_limit_hours,
        "escalate_to_role": rule.escalate_to_role,
        "acknowledgement_timeout_hours": rule.acknowledgement_timeout_hours,
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


def test_changing_the_time_limit_role_and_acknowledgement_timeout(client, grade_a_admin, rule):
    MembershipRole.objects.create(membership=grade_a_admin.memberships.get(), name="safety_officer")
    response = login(client, grade_a_admin).post(
        f"{URL}{rule.pk}/",
        edit(rule, time_limit_hours="2.5", escalate_to_role="safety_officer", acknowledgement_timeout_hours="0.5"),
    )
    assert response.url == URL
    rule.refresh_from_db()
    assert (rule.time_limit_hours, rule.escalate_to_role, rule.acknowledgement_timeout_hours) == (
        Decimal("2.5"),
        "safety_officer",
        Decimal("0.5"),
    )


def test_a_role_nobody_holds_is_refused_with_a_sentence(client, grade_a_admin, rule):
    response = login(client, grade_a_admin).post(f"{URL}{rule.pk}/", edit(rule, escalate_to_role="fire_marshal"))

    assert response.status_code == 400
    assert "Nobody holds the role “fire_marshal”" in response.content.decode()
    rule.refresh_from_db()
    assert rule.escalate_to_role != "fire_marshal"


def test_a_second_active_rule_for_the_same_step_is_refused_with_a_sentence(rule):
    duplicate = EscalationRule(
        project=rule.project, permit_type=rule.permit_type, step_name=rule.step_name, time_limit_hours=3
    )

    with pytest.raises(InvalidInput) as refused:
        save_escalation_rule(rule=duplicate, by=None)

    messages = [message for field in refused.value.errors.values() for message in field]
    assert messages and all("already" in message and "enabled rule" in message for message in messages)
    assert not any("onstraint" in message for message in messages)


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
        "project": grade_a_admin.memberships.get().project_id,
        "permit_type": permit_type.pk,
        "step_name": "approval",
        "time_limit_hours": "6",
        "escalate_to_role": "",
        "acknowledgement_timeout_hours": "1",
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


# --- Tenant scope (issue 9): a project's Grade A admin sees and changes only its rules -------------


@pytest.fixture
def other_project_rule(permit_type):
    other = ProjectFactory.create(code="OTHER")
    member(other, grade=Grade.A, roles=("other_site_manager",), username="other_admin")
    return EscalationRuleFactory.create(project=other, permit_type=permit_type, time_limit_hours=6)


@pytest.fixture
def global_rule(permit_type):
    return EscalationRuleFactory.create(project=None, permit_type=permit_type, step_name="approval", time_limit_hours=8)


def test_a_grade_a_admin_sees_only_their_projects_rules_and_roles(
    client, grade_a_admin, rule, other_project_rule, global_rule
):
    member(rule.project, roles=("safety_officer",))
    response = login(client, grade_a_admin).get(URL)
    rule_ids = {form.instance.pk for form in response.context["forms"]}
    assert rule_ids == {rule.pk}
    assert response.context["roles"] == ["safety_officer"]
    assert "other_site_manager" not in response.content.decode()


@pytest.mark.parametrize("which", ["other_project_rule", "global_rule"])
def test_editing_another_projects_rule_or_a_global_one_is_not_found(request, client, grade_a_admin, rule, which):
    target = request.getfixturevalue(which)
    response = login(client, grade_a_admin).post(f"{URL}{target.pk}/", edit(target, time_limit_hours="1"))
    assert response.status_code == 404
    target.refresh_from_db()
    assert target.time_limit_hours != 1


def test_a_grade_a_admin_cannot_add_a_rule_for_another_project_or_a_global_one(
    client, grade_a_admin, permit_type, other_project_rule
):
    login(client, grade_a_admin)
    data = {
        "permit_type": permit_type.pk,
        "step_name": "approval",
        "time_limit_hours": "6",
        "acknowledgement_timeout_hours": "1",
        "is_active": "on",
    }
    for project in (other_project_rule.project_id, ""):
        response = client.post(URL, {**data, "project": project})
        assert response.status_code == 400
        assert "project" in response.context["new_form"].errors
    assert not EscalationRule.objects.filter(step_name="approval").exists()


def test_a_superuser_changes_a_global_default_and_every_projects_rule(client, global_rule, other_project_rule):
    superuser = UserFactory.create(is_superuser=True, is_staff=True)
    login(client, superuser)
    assert client.post(f"{URL}{global_rule.pk}/", edit(global_rule, time_limit_hours="3")).url == URL
    assert client.post(f"{URL}{other_project_rule.pk}/", edit(other_project_rule, time_limit_hours="2")).url == URL
    global_rule.refresh_from_db()
    other_project_rule.refresh_from_db()
    assert (global_rule.time_limit_hours, other_project_rule.time_limit_hours) == (3, 2)


def test_one_active_rule_per_project_and_one_global_per_step(project, permit_type, global_rule):
    own = EscalationRule(project=project, permit_type=permit_type, step_name="approval", time_limit_hours=2)
    save_escalation_rule(rule=own, by=None)  # a project rule beside the global one is fine
    for duplicate in (
        EscalationRule(project=project, permit_type=permit_type, step_name="approval", time_limit_hours=3),
        EscalationRule(project=None, permit_type=permit_type, step_name="approval", time_limit_hours=3),
    ):
        with pytest.raises(InvalidInput):
            save_escalation_rule(rule=duplicate, by=None)


# --- Chains (issue 12): levels per rule, validated, with a plain preview ---------------------------


def chain_data(rule, levels):
    prefix = f"rule{rule.pk}-levels"
    data = {f"{prefix}-TOTAL_FORMS": str(len(levels)), f"{prefix}-INITIAL_FORMS": "0"}
    for i, level in enumerate(levels):
        data |= {f"{prefix}-{i}-{name}": value for name, value in level.items()}
    return data


HOT_WORK_CHAIN = [
    {"level": "1", "multiplier": "0.75", "audience": "assignee", "event_type": "ptw_task_due_soon", "is_active": "on"},
    {"level": "2", "multiplier": "1", "audience": "assignee", "event_type": "ptw_overdue", "is_active": "on"},
    {"level": "3", "multiplier": "2", "audience": "escalation", "event_type": "ptw_escalated", "is_active": "on"},
    {
        "level": "4",
        "multiplier": "3",
        "audience": "grade_a",
        "event_type": "ptw_escalated",
        "repeat_every_hours": "2",
        "is_active": "on",
    },
]


def test_a_rules_chain_is_edited_and_previewed_in_plain_words(client, grade_a_admin, rule):
    MembershipRole.objects.create(membership=grade_a_admin.memberships.get(), name="safety_officer")
    data = edit(rule, escalate_to_role="safety_officer") | chain_data(rule, HOT_WORK_CHAIN)
    response = login(client, grade_a_admin).post(f"{URL}{rule.pk}/", data)
    assert response.status_code == 302, response.content.decode()
    assert list(rule.levels.values_list("level", "event_type")) == [
        (1, "ptw_task_due_soon"),
        (2, "ptw_overdue"),
        (3, "ptw_escalated"),
        (4, "ptw_escalated"),
    ]
    page = client.get(URL).content.decode()
    name = rule.permit_type.name
    assert (
        f"{name} verification, 4 h: 3 h → verifier; 4 h → verifier; 8 h → safety_officer; "
        "12 h → Grade A admins; then every 2 h"
    ) in page


def test_an_unknown_event_type_cannot_be_saved(client, grade_a_admin, rule):
    bad = [{**HOT_WORK_CHAIN[1], "event_type": "ptw_made_up"}]
    response = login(client, grade_a_admin).post(f"{URL}{rule.pk}/", edit(rule) | chain_data(rule, bad))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not rule.levels.exists()


def test_only_the_last_level_may_repeat_and_a_role_level_names_its_role(client, grade_a_admin, rule):
    early_repeat = [{**HOT_WORK_CHAIN[0], "repeat_every_hours": "1"}, HOT_WORK_CHAIN[1]]
    response = login(client, grade_a_admin).post(f"{URL}{rule.pk}/", edit(rule) | chain_data(rule, early_repeat))
    assert response.status_code == 400
    assert "only the last level repeats" in response.content.decode()
    no_role = [{**HOT_WORK_CHAIN[2], "audience": "role"}]
    response = client.post(f"{URL}{rule.pk}/", edit(rule) | chain_data(rule, no_role))
    assert response.status_code == 400
    assert "Name the role to tell." in response.content.decode()
    assert not rule.levels.exists()


def test_the_rules_page_reads_in_bounded_queries(client, grade_a_admin, rule, django_assert_max_num_queries):
    login(client, grade_a_admin)
    with django_assert_max_num_queries(30):
        assert client.get(URL).status_code == 200
