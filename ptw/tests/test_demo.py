"""`manage.py ptw_demo`: the demo project, users and permits at every stage; idempotent."""

from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.http import HttpRequest
from django.test import override_settings
from django.utils import timezone

from accounts.models import Project, User
from notifications.models import Notification
from ptw.demo import DEMO_PASSWORD, DEMO_USERS, PERMIT_SCENARIOS, PROJECT_CODE
from ptw.escalation import run_job
from ptw.models import (
    IsolationStatus,
    Permit,
    PermitEvent,
    PermitStatus,
    StepId,
    StepStatus,
    WorkflowStep,
)
from ptw.tests.demo_fixture import FAST_HASHERS

APPS = ("accounts", "ptw", "notifications", "auth")


def _run_demo() -> str:
    out = StringIO()
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        call_command("ptw_demo", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for name in APPS
        for model in apps.get_app_config(name).get_models()
    }


@pytest.fixture
def demo(db, loaded_demo) -> str:
    """The output of the first run (loaded once for this module; each test runs in a savepoint)."""
    return loaded_demo


def test_a_second_run_creates_and_changes_nothing(demo):
    before = _counts()
    statuses = dict(Permit.objects.values_list("title", "status"))
    output = _run_demo()
    assert _counts() == before
    assert dict(Permit.objects.values_list("title", "status")) == statuses
    assert "nothing changed" in output


def test_every_permit_status_is_present(demo):
    present = set(Permit.objects.values_list("status", flat=True))
    assert present == set(PermitStatus.values)
    assert Permit.objects.count() == len(PERMIT_SCENARIOS)


def test_it_prints_the_users_and_the_one_password(demo):
    assert DEMO_PASSWORD in demo
    for user in DEMO_USERS:
        assert user.username in demo


def test_the_project_runs_on_a_local_non_utc_clock(demo):
    project = Project.objects.get(code=PROJECT_CODE)
    assert project.name == "Demo Refinery" and project.time_zone == "Asia/Kolkata"


def test_every_demo_user_can_log_in_with_the_demo_password(demo, client, settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS  # the demo was loaded with them
    for user in DEMO_USERS:
        # django-axes checks every authentication against the request it comes with
        assert client.login(request=HttpRequest(), username=user.username, password=DEMO_PASSWORD), user.username


def test_the_admin_user_is_a_superuser_and_a_grade_a_member(demo, client):
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.memberships.get(project__code=PROJECT_CODE).grade == "A"
    client.login(request=HttpRequest(), username="admin", password=DEMO_PASSWORD)
    assert client.get("/admin/ptw/escalationrule/").status_code == 200


def test_the_permits_were_made_by_the_services_with_their_audit_trail_and_notifications(demo):
    completed = Permit.objects.get(status=PermitStatus.COMPLETED)
    actions = list(PermitEvent.objects.filter(permit=completed).values_list("action", flat=True))
    assert actions[0] == "created" and actions[-1] == "completed"
    assert {"submitted", "verified", "approved", "activated", "closeout_updated"} <= set(actions)
    expired = Permit.objects.get(title="Lighting repair in warehouse W-1")
    assert PermitEvent.objects.get(permit=expired, action="expired").actor is None  # the system
    assert Notification.objects.filter(
        recipient__username="epc_verifier", notification_type="ptw_verification"
    ).exists()
    assert Notification.objects.filter(recipient__username="contractor_c", notification_type="ptw_rejected").exists()


def test_timestamps_are_in_the_past_as_if_the_work_happened(demo):
    completed = Permit.objects.get(status=PermitStatus.COMPLETED)
    assert completed.created_at < completed.submitted_at < completed.completed_at < timezone.now() - timedelta(hours=12)


def test_an_active_electrical_permit_ends_within_the_hour_with_isolation_verified(demo):
    permit = Permit.objects.get(status=PermitStatus.ACTIVE, permit_type__name="Electrical Work")
    assert timezone.now() < permit.planned_end_time <= timezone.now() + timedelta(hours=1)
    assert permit.isolation_points.exists()
    assert set(permit.isolation_points.values_list("status", flat=True)) == {IsolationStatus.VERIFIED}


def test_a_submitted_electrical_permit_is_already_past_twice_its_verification_limit(demo):
    step = WorkflowStep.objects.get(
        instance__permit__permit_type__name="Electrical Work",
        instance__permit__status=PermitStatus.SUBMITTED,
        step_id=StepId.VERIFICATION,
    )
    assert step.status == StepStatus.PENDING and step.assignee.username == "epc_verifier"
    assert timezone.now() - step.pending_since >= timedelta(hours=8)  # rule: 4 h → escalated at 2×
    assert step.next_check_at <= timezone.now()  # due at the very next sweep


def test_the_first_sweep_escalates_to_the_manager_and_the_safety_officer(demo, settings):

    settings.ESCALATIONS_ENABLED = True
    report = run_job("check_overdue_workflow_tasks", now=timezone.now())
    assert report.ok, report.errors
    escalated = set(
        Notification.objects.filter(notification_type="ptw_escalated").values_list(
            "recipient__username", "data__permit_number"
        )
    )
    electrical = Permit.objects.get(status=PermitStatus.SUBMITTED, permit_type__name="Electrical Work")
    hot_work = Permit.objects.get(status=PermitStatus.UNDER_REVIEW)
    assert ("epc_admin_b", electrical.permit_number) in escalated  # manager
    assert ("client_admin_a", hot_work.permit_number) in escalated  # safety_officer
    assert Notification.objects.filter(recipient__username="epc_verifier", notification_type="ptw_overdue").exists()
