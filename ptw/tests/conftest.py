"""Fixtures for the API tests: logged-in clients, and permits brought to any status by the services."""

import importlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from ptw import workflow
from ptw.escalation_rules import save_escalation_chain
from ptw.models import (
    EscalationLevel,
    Permit,
    PermitStatus,
    PermitType,
    StepId,
    StepStatus,
    WorkflowInstance,
    WorkflowStep,
)
from ptw.permits import create_permit
from ptw.tests.chains import hot_work_chain
from ptw.tests.factories import CloseoutTemplateFactory, EscalationRuleFactory, PermitTypeFactory, member

S = PermitStatus
API = "/api/v1/ptw"


def permit_url(permit: Permit, suffix: str = "") -> str:
    return f"{API}/permits/{permit.pk}/{suffix}"


@pytest.fixture
def client_for() -> Callable[..., APIClient]:
    """client_for(user) → an API client logged in as that user."""

    def make(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def start_time() -> datetime:
    return timezone.now() + timedelta(hours=1)


@pytest.fixture
def draft(project, creator, permit_type, start_time) -> Callable[..., Permit]:
    """draft(**overrides) → a draft permit of `creator` in `project`, created by the service."""

    def make(**overrides) -> Permit:
        fields = {
            "by": creator,
            "project": project,
            "permit_type": permit_type,
            "title": "Replace valve V-101",
            "location": "Unit 3",
            "planned_start_time": start_time,
            "planned_end_time": start_time + timedelta(hours=8),
        }
        fields.update(overrides)
        return create_permit(**{"now": timezone.now(), **fields})

    return make


@pytest.fixture
def permit_in(draft, creator, verifier, approver) -> Callable[..., Permit]:
    """permit_in(status) → a permit walked to `status` by the right people, through the services."""

    def walk(status: str, **overrides) -> Permit:
        permit = draft(**overrides)
        if status == S.DRAFT:
            return permit
        if status == S.CANCELLED:
            workflow.cancel_permit(permit=permit, by=creator, comment="not needed", now=timezone.now())
            return permit
        workflow.initiate_workflow(permit=permit, by=creator, now=timezone.now())
        workflow.assign_verifier(permit=permit, by=creator, verifier=verifier, now=timezone.now())
        if status == S.SUBMITTED:
            return permit
        if status == S.REJECTED:
            workflow.verify_permit(
                permit=permit, by=verifier, approve=False, comments="no gas test", now=timezone.now()
            )
            return permit
        workflow.verify_permit(permit=permit, by=verifier, approve=True, approver=approver, now=timezone.now())
        if status == S.UNDER_REVIEW:
            return permit
        workflow.approve_permit(permit=permit, by=approver, approve=True, now=timezone.now())
        if status == S.APPROVED:
            return permit
        if status == S.EXPIRED:
            workflow.expire_permit(permit=permit, now=permit.planned_end_time + timedelta(minutes=1))
            return permit
        workflow.activate_permit(permit=permit, by=creator, now=timezone.now())
        if status == S.SUSPENDED:
            workflow.suspend_permit(permit=permit, by=creator, comment="gas alarm", now=timezone.now())
        elif status == S.COMPLETED:
            workflow.complete_permit(permit=permit, by=creator, now=timezone.now())
        return permit

    return walk


@pytest.fixture
def gated_type(db) -> PermitType:
    """A type that needs verified isolation to start and a closed-out checklist to finish."""

    permit_type = PermitTypeFactory.create(
        name="Electrical work", category="electrical", requires_structured_isolation=True, requires_closeout=True
    )
    CloseoutTemplateFactory.create(permit_type=permit_type)
    return permit_type


# --- Escalation engine and scheduled jobs (ptw/jobs) ---


@pytest.fixture
def escalation_levels(db):
    """The default levels of migration 0002 (a transactional test's flush removes migration data)."""

    for level, multiplier, event_type, audience in importlib.import_module(
        "ptw.migrations.0002_default_escalation_levels"
    ).LEVELS:
        EscalationLevel.objects.get_or_create(
            level=level, rule=None, defaults={"multiplier": multiplier, "event_type": event_type, "audience": audience}
        )


@pytest.fixture
def escalations_on(settings, escalation_levels):
    settings.ESCALATIONS_ENABLED = True
    settings.NOTIFICATIONS_ENABLED = True
    return settings


@pytest.fixture
def seed_due_steps(project, creator, verifier, permit_type) -> Callable[..., list[int]]:
    """seed_due_steps(n, pending_since=, now=) → ids of n submitted permits, each with a
    verification step assigned to `verifier`, pending since `pending_since` and due at `now`.

    Written with bulk inserts: the sweeps' scale tests need thousands of rows quickly.
    """

    def seed(
        n: int, *, pending_since: datetime, now: datetime, live_until: datetime | None = None, status: str = S.SUBMITTED
    ) -> list[int]:
        end = live_until or now + timedelta(hours=8)
        first = Permit.objects.count()
        permits = Permit.objects.bulk_create(
            [
                Permit(
                    permit_type=permit_type,
                    project=project,
                    title=f"Bulk job {i}",
                    location="Unit 9",
                    planned_start_time=end - timedelta(hours=10),
                    planned_end_time=end,
                    status=status,
                    created_by=creator,
                    verifier=verifier,
                    permit_number=f"PTW-BULK-{first + i:07d}",
                    created_at=pending_since,
                    updated_at=pending_since,
                )
                for i in range(n)
            ]
        )
        if status in (S.SUBMITTED, S.UNDER_REVIEW):
            instances = WorkflowInstance.objects.bulk_create(
                [WorkflowInstance(permit=permit, started_at=pending_since) for permit in permits]
            )
            WorkflowStep.objects.bulk_create(
                [
                    WorkflowStep(
                        instance=instance,
                        step_id=StepId.VERIFICATION,
                        name="Verification",
                        role="verifier",
                        order=1,
                        status=StepStatus.PENDING,
                        assignee=verifier,
                        pending_since=pending_since,
                        next_check_at=now,
                    )
                    for instance in instances
                ]
            )
        return [permit.pk for permit in permits]

    return seed


# --- Expiry and reminders (times on one fixed day) ---

DAY = datetime(2026, 3, 2, tzinfo=UTC)


def at(hour, minute=0, day=0):
    return DAY + timedelta(days=day, hours=hour, minutes=minute)


@pytest.fixture
def live_permit(permit_in, permit_type):
    """live_permit(status, end=, permit_type=) → conftest's permit_in, walked at 08:00 (the start)."""

    def walk(status, *, end=at(17), permit_type=permit_type, start=at(8)):  # noqa: B008 (fixed test times)
        with time_machine.travel(start, tick=False):
            return permit_in(
                status,
                permit_type=permit_type,
                title="Pump P-7 overhaul",
                planned_start_time=start,
                planned_end_time=end,
            )

    return walk


@pytest.fixture
def safety_officer(project):
    return member(project, roles=("safety_officer",), username="safety_officer")


@pytest.fixture
def hot_work_rule(project, permit_type):
    """Example 2's 4 h verification limit with a chain: warning, overdue, role, Grade A admins, repeat."""
    rule = EscalationRuleFactory.create(
        project=project, permit_type=permit_type, step_name=StepId.VERIFICATION, escalate_to_role="safety_officer"
    )
    save_escalation_chain(rule=rule, levels=hot_work_chain(), by=None)
    return rule
