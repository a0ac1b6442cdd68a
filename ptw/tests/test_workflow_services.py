"""The workflow services end to end, below the API."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from accounts.models import Membership
from notifications.models import Notification
from ptw import workflow
from ptw.closeout import update_closeout
from ptw.errors import ActionNotAllowed, IllegalTransition
from ptw.isolation import assign_isolation_point, isolate_point, verify_isolation
from ptw.models import PermitEvent, PermitStatus, StepStatus
from ptw.permits import create_permit, update_permit
from ptw.selectors import my_pending_steps
from ptw.tests.factories import CloseoutTemplateFactory, IsolationPointFactory, PermitTypeFactory


def _create(project, creator, permit_type):
    start = timezone.now() + timedelta(hours=1)
    return create_permit(
        by=creator,
        project=project,
        permit_type=permit_type,
        title="Replace valve",
        location="Unit 3",
        planned_start_time=start,
        planned_end_time=start + timedelta(hours=8),
        now=timezone.now(),
    )


def inbox(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("notification_type", flat=True))


def test_a_permit_walks_from_draft_to_completed(project, creator, verifier, approver):
    permit_type = PermitTypeFactory.create(name="Hot work", requires_closeout=True, requires_structured_isolation=True)
    CloseoutTemplateFactory.create(permit_type=permit_type)
    point = IsolationPointFactory.create(project=project)
    permit = _create(project, creator, permit_type)
    assert permit.permit_number.startswith("PTW-")

    workflow.initiate_workflow(permit=permit, by=creator, now=timezone.now())
    # verifier (EPC) and approver (client) are both eligible: nobody auto-assigned
    assert permit.verifier_id is None
    workflow.assign_verifier(permit=permit, by=creator, verifier=verifier, now=timezone.now())
    workflow.verify_permit(permit=permit, by=verifier, approve=True, approver=approver, now=timezone.now())
    assert permit.status == PermitStatus.UNDER_REVIEW
    workflow.approve_permit(permit=permit, by=approver, approve=True, now=timezone.now())
    assert permit.status == PermitStatus.APPROVED

    assignment = assign_isolation_point(permit=permit, by=creator, point=point, now=timezone.now())
    with pytest.raises(IllegalTransition) as refused:
        workflow.activate_permit(permit=permit, by=creator, now=timezone.now())
    assert point.code in refused.value.message
    isolate_point(permit=permit, assignment=assignment, by=creator, lock_ids=["L1"], now=timezone.now())
    with pytest.raises(ActionNotAllowed):
        verify_isolation(permit=permit, assignment=assignment, by=creator, now=timezone.now())
    verify_isolation(permit=permit, assignment=assignment, by=verifier, now=timezone.now())
    workflow.activate_permit(permit=permit, by=creator, now=timezone.now())
    assert permit.status == PermitStatus.ACTIVE

    with pytest.raises(IllegalTransition) as refused:
        workflow.complete_permit(permit=permit, by=creator, now=timezone.now())
    assert refused.value.missing == ["Work area clean", "Tools removed"]
    update_closeout(
        permit=permit,
        by=creator,
        items={"area_clean": {"done": True}, "tools_removed": {"done": True}},
        now=timezone.now(),
    )
    workflow.complete_permit(permit=permit, by=creator, now=timezone.now())
    permit.refresh_from_db()
    assert permit.status == PermitStatus.COMPLETED

    # the creator activated and completed it: nobody is told of their own action
    assert inbox(creator) == sorted(["ptw_created", "ptw_submitted", "ptw_approved"])
    assert inbox(verifier) == sorted(["ptw_verification", "ptw_approved", "ptw_completed"])
    assert inbox(approver) == sorted(["ptw_approval", "ptw_activated", "ptw_completed"])
    changes = PermitEvent.objects.filter(permit=permit).exclude(from_status=F("to_status"))
    assert list(changes.values_list("to_status", flat=True)) == [
        "submitted",
        "under_review",
        "approved",
        "active",
        "completed",
    ]


def test_a_sole_eligible_verifier_is_auto_assigned(project, creator, verifier, permit_type):
    permit = _create(project, creator, permit_type)
    workflow.initiate_workflow(permit=permit, by=creator, now=timezone.now())
    assert permit.verifier_id == verifier.pk
    step = permit.workflow.steps.get()
    assert step.assignee_id == verifier.pk and step.status == StepStatus.PENDING
    assert step.next_check_at == step.pending_since + timedelta(hours=4)
    assert inbox(verifier) == ["ptw_verification"]


def test_an_illegal_transition_changes_nothing(project, creator, verifier, permit_type):
    permit = _create(project, creator, permit_type)
    with pytest.raises(IllegalTransition) as refused:
        workflow.activate_permit(permit=permit, by=creator, now=timezone.now())
    assert "it is draft; it can next become submitted (awaiting verification) or cancelled" in refused.value.message
    permit.refresh_from_db()
    assert permit.status == PermitStatus.DRAFT


def test_a_member_who_left_the_project_has_no_tasks_there(project, creator, verifier, permit_type):

    permit = _create(project, creator, permit_type)
    workflow.initiate_workflow(permit=permit, by=creator, now=timezone.now())
    assert my_pending_steps(verifier).count() == 1
    Membership.objects.filter(user=verifier).update(is_active=False)
    assert my_pending_steps(verifier).count() == 0


def test_an_edit_that_changes_nothing_writes_no_audit_event(project, creator, permit_type):

    permit = _create(project, creator, permit_type)
    before = PermitEvent.objects.filter(permit=permit).count()
    update_permit(permit=permit, by=creator, title=permit.title, now=timezone.now())
    assert PermitEvent.objects.filter(permit=permit).count() == before
