"""What each workflow service writes, to the permit, its steps, its workflow and its audit trail, with `now`,
and only to that permit (ptw/workflow.py)."""

from datetime import UTC, datetime, timedelta

import pytest

from notifications.models import Notification
from ptw import workflow
from ptw.errors import InvalidInput
from ptw.models import PermitEvent, PermitStatus, StepId, StepStatus, WorkflowInstance, WorkflowStep

S = PermitStatus
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def step_of(permit, step_id=StepId.VERIFICATION) -> WorkflowStep:
    return WorkflowStep.objects.get(instance__permit=permit, step_id=step_id)


def last_event(permit) -> PermitEvent:
    return PermitEvent.objects.filter(permit=permit).latest("id")


@pytest.fixture
def two_submitted(permit_in):
    """The permit acted on, and a bystanding one in the same state that nothing may touch."""
    return permit_in(S.SUBMITTED), permit_in(S.SUBMITTED)


def test_a_rejection_without_a_reason_is_refused_and_changes_nothing(two_submitted, verifier):
    permit, _ = two_submitted

    with pytest.raises(InvalidInput) as refused:
        workflow.verify_permit(permit=permit, by=verifier, approve=False, comments="  ", now=NOW)

    assert refused.value.errors == {"comments": ["Say why the permit is rejected."]}
    permit.refresh_from_db()
    assert permit.status == S.SUBMITTED and step_of(permit).status == StepStatus.PENDING


def test_a_rejection_closes_the_step_and_the_workflow_of_that_permit_only(two_submitted, creator, verifier):
    permit, other = two_submitted

    workflow.verify_permit(permit=permit, by=verifier, approve=False, comments="No gas test.", now=NOW)

    permit.refresh_from_db()
    assert (permit.status, permit.rejected_at, permit.rejection_reason) == (S.REJECTED, NOW, "No gas test.")
    step = step_of(permit)
    assert (step.status, step.completed_by, step.completed_at, step.comments, step.next_check_at) == (
        StepStatus.REJECTED,
        verifier,
        NOW,
        "No gas test.",
        None,
    )
    instance = WorkflowInstance.objects.get(permit=permit)
    assert (instance.status, instance.completed_at) == (WorkflowInstance.Status.REJECTED, NOW)
    event = last_event(permit)
    assert (event.action, event.actor, event.from_status, event.to_status, event.comment, event.created_at) == (
        "rejected_at_verification",
        verifier,
        S.SUBMITTED,
        S.REJECTED,
        "No gas test.",
        NOW,
    )
    told = Notification.objects.get(notification_type="ptw_rejected", created_at=NOW)
    assert (told.recipient, told.sender, told.data["stage"]) == (creator, verifier, "verification")
    assert told.message.endswith("was rejected at verification. Reason: No gas test.")
    # the other permit's workflow goes on
    assert WorkflowInstance.objects.get(permit=other).status == WorkflowInstance.Status.ACTIVE
    assert step_of(other).status == StepStatus.PENDING


def test_a_rejection_at_approval_says_so(permit_in, approver):
    permit = permit_in(S.UNDER_REVIEW)

    workflow.approve_permit(permit=permit, by=approver, approve=False, comments="Wrong isolation.", now=NOW)

    assert last_event(permit).action == "rejected_at_approval"
    assert step_of(permit, StepId.APPROVAL).status == StepStatus.REJECTED
    assert Notification.objects.get(notification_type="ptw_rejected", created_at=NOW).data["stage"] == "approval"


def test_cancelling_skips_the_open_steps_of_that_permit_only(two_submitted, creator):
    permit, other = two_submitted

    workflow.cancel_permit(permit=permit, by=creator, comment="Re-planned.", now=NOW)

    permit.refresh_from_db()
    assert (permit.status, permit.cancelled_at) == (S.CANCELLED, NOW)
    step = step_of(permit)
    assert (step.status, step.completed_at, step.next_check_at) == (StepStatus.SKIPPED, NOW, None)
    instance = WorkflowInstance.objects.get(permit=permit)
    assert (instance.status, instance.completed_at) == (WorkflowInstance.Status.CANCELLED, NOW)
    assert (last_event(permit).action, last_event(permit).comment) == ("cancelled", "Re-planned.")
    other_step = step_of(other)
    assert (other_step.status, other_step.next_check_at) != (StepStatus.SKIPPED, None)
    assert WorkflowInstance.objects.get(permit=other).status == WorkflowInstance.Status.ACTIVE


def test_cancelling_leaves_steps_already_decided_as_they_were(permit_in, creator):
    permit = permit_in(S.UNDER_REVIEW)

    workflow.cancel_permit(permit=permit, by=creator, now=NOW)

    assert step_of(permit, StepId.VERIFICATION).status == StepStatus.APPROVED
    assert step_of(permit, StepId.APPROVAL).status == StepStatus.SKIPPED


def test_approval_completes_the_step_and_the_workflow_and_stamps_the_permit(permit_in, approver):
    permit = permit_in(S.UNDER_REVIEW)

    workflow.approve_permit(permit=permit, by=approver, approve=True, comments="Go.", now=NOW)

    permit.refresh_from_db()
    assert (permit.status, permit.approved_at, permit.updated_at) == (S.APPROVED, NOW, NOW)
    step = step_of(permit, StepId.APPROVAL)
    assert (step.status, step.completed_by, step.completed_at, step.comments) == (
        StepStatus.APPROVED,
        approver,
        NOW,
        "Go.",
    )
    instance = WorkflowInstance.objects.get(permit=permit)
    assert (instance.status, instance.completed_at) == (WorkflowInstance.Status.COMPLETED, NOW)


def test_the_work_starts_once_and_ends_with_the_times_it_happened(permit_in, creator, approver):
    permit = permit_in(S.APPROVED)

    workflow.activate_permit(permit=permit, by=creator, now=NOW)
    workflow.suspend_permit(permit=permit, by=approver, comment="Wind.", now=NOW + timedelta(hours=1))
    permit.refresh_from_db()
    assert (permit.actual_start_time, permit.suspended_at) == (NOW, NOW + timedelta(hours=1))

    workflow.resume_permit(permit=permit, by=approver, now=NOW + timedelta(hours=2))
    permit.refresh_from_db()
    assert (permit.status, permit.suspended_at, permit.actual_start_time) == (S.ACTIVE, None, NOW)

    workflow.complete_permit(permit=permit, by=creator, comment="Done.", now=NOW + timedelta(hours=3))
    permit.refresh_from_db()
    assert (permit.status, permit.completed_at, permit.actual_end_time) == (
        S.COMPLETED,
        NOW + timedelta(hours=3),
        NOW + timedelta(hours=3),
    )
    assert [e.action for e in PermitEvent.objects.filter(permit=permit).order_by("-id")[:4]][::-1] == [
        "activated",
        "suspended",
        "resumed",
        "completed",
    ]


def test_suspending_needs_a_reason(permit_in, approver):
    permit = permit_in(S.ACTIVE)

    with pytest.raises(InvalidInput) as refused:
        workflow.suspend_permit(permit=permit, by=approver, comment=" ", now=NOW)

    assert refused.value.errors == {"comment": ["Say why the work is suspended."]}


def test_expiry_is_recorded_as_the_systems_and_only_for_live_permits(permit_in, creator):
    live = permit_in(S.ACTIVE)
    done = permit_in(S.COMPLETED)

    assert workflow.expire_permit(permit=done, now=NOW) is False
    assert workflow.expire_permit(permit=live, now=NOW) is True

    live.refresh_from_db()
    assert (live.status, live.expired_at) == (S.EXPIRED, NOW)
    event = last_event(live)
    assert (event.actor, event.action, event.comment, event.created_at) == (
        None,
        "expired",
        "Planned end time passed.",
        NOW,
    )
    assert not PermitEvent.objects.filter(permit=done, to_status=S.EXPIRED).exists()


def test_returning_a_rejected_permit_to_draft_is_recorded(permit_in, creator):
    permit = permit_in(S.REJECTED)

    workflow.resubmit_permit(permit=permit, by=creator, comment="Gas test added.", now=NOW)

    event = last_event(permit)
    assert (permit.status, event.action, event.comment, event.to_status) == (
        S.DRAFT,
        "returned_to_draft",
        "Gas test added.",
        S.DRAFT,
    )
