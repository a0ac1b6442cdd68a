"""Django admin: every registered model's pages load cheaply; rules go through the service."""

from datetime import timedelta
from decimal import Decimal

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tokens import issue_token
from ptw.models import (
    EscalationRecord,
    EscalationRule,
    JobRowFailure,
    JobRun,
    Permit,
    PermitEvent,
    PermitStatus,
    StepStatus,
    WorkflowStep,
)

REGISTERED = sorted(f"{model._meta.app_label}.{model._meta.model_name}" for model in admin.site._registry)
MAX_QUERIES = 20  # the busiest page runs 16 today; an N+1 over the demo rows would pass 20


def _model(label: str):
    return next(m for m in admin.site._registry if f"{m._meta.app_label}.{m._meta.model_name}" == label)


@pytest.fixture(scope="module")
def demo(loaded_demo, django_db_blocker):
    """The demo data, plus one row of each registered model the demo does not make."""
    with django_db_blocker.unblock():
        admin_user = User.objects.get(username="admin")
        now = timezone.now()
        step = WorkflowStep.objects.filter(status=StepStatus.PENDING).select_related("instance").first()
        EscalationRecord.objects.create(
            permit_id=step.instance.permit_id,
            step=step,
            level=2,
            event_type="ptw_escalated",
            reached_at=now,
            local_date=now.date(),
            pending_hours=Decimal("9"),
            recipient_ids=[admin_user.pk],
        )
        JobRun.objects.create(
            job="check_overdue_workflow_tasks", started_at=now, finished_at=now, ok=True, counts={"overdue": 1}
        )
        JobRowFailure.objects.create(
            job="check_overdue_workflow_tasks",
            row_id=step.pk,
            row=f"step {step.pk}",
            fingerprint="0" * 32,
            failures=3,
            error="ZoneInfoNotFoundError: 'No time zone found with key Atlantis/Lost_City'",
            first_failed_at=now,
            last_failed_at=now,
            quarantined_at=now,
        )
        Group.objects.create(name="Site staff")
        issue_token(user=admin_user)
        AccessAttempt.objects.create(
            username="admin", ip_address="203.0.113.9", user_agent="curl", failures_since_start=2, attempt_time=now
        )
    return admin_user


@pytest.fixture
def admin_client(db, client, demo):
    client.force_login(demo)
    return client


@pytest.mark.parametrize("label", REGISTERED)
def test_the_changelist_of_every_registered_model_loads_in_bounded_queries(
    admin_client, django_assert_max_num_queries, label
):
    model = _model(label)
    assert model._default_manager.exists(), f"no {label} rows to list"
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    with django_assert_max_num_queries(MAX_QUERIES):
        response = admin_client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("label", REGISTERED)
def test_the_change_page_of_every_registered_model_loads_in_bounded_queries(
    admin_client, django_assert_max_num_queries, label
):
    model = _model(label)
    # The busiest row: the permit with the most events, else the first.
    obj = (
        Permit.objects.order_by("-pk").filter(title__startswith="Terminate").first()
        if model is Permit
        else model._default_manager.first()
    )
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[quote(obj.pk)])
    with django_assert_max_num_queries(MAX_QUERIES):
        response = admin_client.get(url)
    assert response.status_code == 200


def test_every_ptw_and_accounts_model_is_in_the_admin():

    models = [*apps.get_app_config("ptw").get_models(), *apps.get_app_config("accounts").get_models()]
    missing = [
        m._meta.label for m in models if m not in admin.site._registry and m._meta.model_name != "membershiprole"
    ]
    assert missing == []


def test_escalation_rules_are_listed_under_ptw_with_their_columns(admin_client):
    index = admin_client.get(reverse("admin:index")).content.decode()
    assert "PTW" in index and "Escalation rules" in index
    page = admin_client.get(reverse("admin:ptw_escalationrule_changelist")).content.decode()
    for column in (
        "Permit type",
        "Step name",
        "Time limit hours",
        "Escalate to role",
        "Notification method",
        "Is active",
    ):
        assert column in page


def test_a_permit_page_offers_no_way_to_edit_its_status(admin_client):
    permit = Permit.objects.get(status=PermitStatus.UNDER_REVIEW)
    url = reverse("admin:ptw_permit_change", args=[permit.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="status"' not in page
    assert "Under review" in page and "Approval" in page  # status and workflow steps shown
    response = admin_client.post(url, {"status": PermitStatus.APPROVED, "title": "changed"})
    assert response.status_code == 403
    permit.refresh_from_db()
    assert permit.status == PermitStatus.UNDER_REVIEW
    assert admin_client.get(reverse("admin:ptw_permit_add")).status_code == 403


def _pending_steps_of(type_name: str, step_id: str):
    return WorkflowStep.objects.filter(
        status=StepStatus.PENDING, step_id=step_id, instance__permit__permit_type__name=type_name
    )


def _make_not_due(steps) -> None:
    steps.update(next_check_at=timezone.now() + timedelta(days=30))


def _assert_rescheduled(steps) -> None:
    assert steps.exists()
    for step in steps:
        assert step.next_check_at == step.pending_since


def test_saving_a_rule_in_the_admin_reschedules_the_pending_steps_it_governs(admin_client):
    rule = EscalationRule.objects.get(permit_type__name="Electrical Work", step_name="verification")
    steps = _pending_steps_of("Electrical Work", "verification")
    _make_not_due(steps)
    response = admin_client.post(
        reverse("admin:ptw_escalationrule_change", args=[rule.pk]),
        {
            "permit_type": rule.permit_type_id,
            "step_name": "verification",
            "time_limit_hours": "1.5",
            "escalate_to_role": "manager",
            "notification_method": "both",
            "is_active": "on",
            "acknowledgement_timeout_hours": "1",
            **_levels_inline([]),
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rule.refresh_from_db()
    assert rule.time_limit_hours == Decimal("1.5")
    _assert_rescheduled(steps)


def _levels_inline(levels):
    data = {"levels-TOTAL_FORMS": str(len(levels)), "levels-INITIAL_FORMS": "0", "levels-MAX_NUM_FORMS": "1000"}
    for i, level in enumerate(levels):
        data |= {f"levels-{i}-{name}": value for name, value in level.items()}
    return data


def _rule_form(rule, **levels):
    return {
        "permit_type": rule.permit_type_id,
        "step_name": rule.step_name,
        "time_limit_hours": "4",
        "notification_method": "email",
        "is_active": "on",
        "acknowledgement_timeout_hours": "1",
        **levels,
        "_save": "Save",
    }


def test_a_rules_chain_is_edited_inline_with_known_event_types_only(admin_client):
    rule = EscalationRule.objects.get(permit_type__name="Electrical Work", step_name="verification")
    url = reverse("admin:ptw_escalationrule_change", args=[rule.pk])
    level = {"level": "1", "multiplier": "0.75", "audience": "assignee", "event_type": "ptw_made_up", "is_active": "on"}
    refused = admin_client.post(url, _rule_form(rule, **_levels_inline([level])))
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    assert not rule.levels.exists()
    level["event_type"] = "ptw_task_due_soon"
    saved = admin_client.post(url, _rule_form(rule, **_levels_inline([level])))
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert list(rule.levels.values_list("event_type", flat=True)) == ["ptw_task_due_soon"]
    assert "3 h → verifier" in admin_client.get(url).content.decode()


def test_deleting_a_rule_in_the_admin_reschedules_the_pending_steps_it_governed(admin_client):
    rule = EscalationRule.objects.get(permit_type__name="Hot Work", step_name="approval")
    steps = _pending_steps_of("Hot Work", "approval")
    _make_not_due(steps)
    response = admin_client.post(reverse("admin:ptw_escalationrule_delete", args=[rule.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not EscalationRule.objects.filter(pk=rule.pk).exists()
    _assert_rescheduled(steps)


def test_the_bulk_delete_action_reschedules_through_the_service(admin_client):
    rules = EscalationRule.objects.filter(permit_type__name__in=["Electrical Work", "Hot Work"])
    selected = [rule.pk for rule in rules]
    steps = _pending_steps_of("Electrical Work", "verification") | _pending_steps_of("Hot Work", "approval")
    _make_not_due(steps)
    response = admin_client.post(
        reverse("admin:ptw_escalationrule_changelist"),
        {"action": "delete_selected", "_selected_action": selected, "post": "yes"},
    )
    assert response.status_code == 302
    assert not EscalationRule.objects.filter(pk__in=selected).exists()
    _assert_rescheduled(steps)


def test_the_cancel_action_goes_through_the_workflow_and_reports_refusals(admin_client):
    draft = Permit.objects.get(status=PermitStatus.DRAFT)
    completed = Permit.objects.get(status=PermitStatus.COMPLETED)
    response = admin_client.post(
        reverse("admin:ptw_permit_changelist"),
        {"action": "cancel_selected", "_selected_action": [draft.pk, completed.pk]},
        follow=True,
    )
    draft.refresh_from_db()
    completed.refresh_from_db()
    assert (draft.status, completed.status) == (PermitStatus.CANCELLED, PermitStatus.COMPLETED)
    assert PermitEvent.objects.filter(permit=draft, to_status=PermitStatus.CANCELLED, actor__username="admin").exists()
    text = response.content.decode()
    assert "Cancelled 1 permit(s)." in text and "it is completed" in text
