"""Acting on an escalation (issue 12): acknowledge, reassign, take over — services and API."""

import pytest
import time_machine
from rest_framework.test import APIClient

from accounts.models import CompanyType, Grade
from notifications.models import Notification
from ptw import workflow
from ptw.errors import ActionNotAllowed, IllegalTransition, InvalidInput
from ptw.escalation import check_overdue_workflow_tasks
from ptw.escalation_actions import acknowledge_escalation, reassign_step, take_over_step
from ptw.models import Permit, PermitEvent, WorkflowStep
from ptw.tests.factories import member
from ptw.tests.test_escalation import h, submit
from ptw.tests.test_escalation_chains import sweep

API = "/api/v1/ptw/permits"


@pytest.fixture
def chain_rule(hot_work_rule):
    return hot_work_rule


@pytest.fixture
def escalated(escalations_on, project, creator, verifier, grade_a_admin, grade_b_admin, safety_officer, permit_type):
    """A permit whose verification, assigned at 9 AM, was escalated at 5 PM (twice the 4 h limit)."""
    permit = submit(project, creator, permit_type, at=h(0), verifier=verifier)
    assert check_overdue_workflow_tasks(now=h(8)).ok
    return permit


def step_of(permit):
    return WorkflowStep.objects.get(instance__permit=permit, status="pending")


def received(user, event_type):
    return list(Notification.objects.filter(recipient=user, notification_type=event_type))


# --- Acknowledge ------------------------------------------------------------------------------------


def test_acknowledging_holds_the_next_levels_for_the_timeout_then_the_chain_resumes(
    chain_rule, escalated, grade_b_admin, safety_officer, grade_a_admin
):
    permit = escalated
    acknowledge_escalation(
        permit=permit, by=grade_b_admin, step=step_of(permit), note="on it — calling the verifier", now=h(11, 30)
    )

    step = step_of(permit)
    assert (step.acknowledged_by, step.acknowledged_until, step.next_check_at) == (grade_b_admin, h(12, 30), h(12, 30))
    event = PermitEvent.objects.get(permit=permit, action="escalation_acknowledged")
    assert (event.actor, event.comment) == (grade_b_admin, "on it — calling the verifier")
    [told] = received(safety_officer, "ptw_escalation_acknowledged")  # the other recipient of the escalation
    assert "acknowledged the escalation of the verification" in told.message and "calling the verifier" in told.message
    assert told.link.endswith("#escalation")

    assert sweep([12]) == {}  # the Grade A tier (3×, 9 PM... here 12 h) waits
    assert sweep([12.5]) == {12.5: [("site_admin", "ptw_escalated")]}  # resumed when the hold ended
    assert sweep([14.5]) == {14.5: [("site_admin", "ptw_escalated")]}  # and its repeat follows


def test_nothing_to_acknowledge_before_the_chain_reached_anyone(
    escalations_on, project, creator, verifier, grade_b_admin, permit_type
):
    permit = submit(project, creator, permit_type, at=h(0), verifier=verifier)
    with pytest.raises(ActionNotAllowed):  # the policy: acknowledging is for a step the chain has reached
        acknowledge_escalation(permit=permit, by=grade_b_admin, step=step_of(permit), note="on it", now=h(1))
    workflow.cancel_permit(permit=permit, by=creator, comment="not needed", now=h(2))
    with pytest.raises(IllegalTransition):  # and only while the step is pending
        acknowledge_escalation(permit=permit, by=grade_b_admin, step=step_of_any(permit), note="on it", now=h(3))


def step_of_any(permit):
    return WorkflowStep.objects.get(instance__permit=permit)


def test_the_assignee_acknowledges_their_own_overdue_step(
    escalations_on, project, creator, verifier, grade_a_admin, grade_b_admin, permit_type
):
    permit = submit(project, creator, permit_type, at=h(0), verifier=verifier)
    check_overdue_workflow_tasks(now=h(4))
    acknowledge_escalation(permit=permit, by=verifier, step=step_of(permit), note="waiting for the gas test", now=h(5))
    assert step_of(permit).acknowledged_until == h(6)
    assert sweep([8]) == {8: [("area_admin", "ptw_escalated"), ("site_admin", "ptw_escalated")]}  # 2× is after 6


# --- Reassign and take over -------------------------------------------------------------------------


def test_reassigning_restarts_the_clock_and_notifies_the_new_assignee(escalated, project, grade_b_admin, verifier):
    permit = escalated
    other = member(project, username="verifier2", company_type=CompanyType.EPC)
    reassign_step(permit=permit, by=grade_b_admin, step=step_of(permit), assignee=other, now=h(9))

    step = step_of(permit)
    assert (step.assignee, step.pending_since, step.next_check_at) == (other, h(9), h(13))
    assert Permit.objects.get(pk=permit.pk).verifier == other
    [note] = received(other, "ptw_verification")
    assert note.sender == grade_b_admin
    assert PermitEvent.objects.filter(permit=permit, action="step_reassigned").exists()
    assert sweep([12, 13]) == {13: [("verifier2", "ptw_overdue")]}


@pytest.mark.parametrize("who", ["creator", "verifier"])
def test_reassigning_to_the_creator_or_the_current_assignee_is_refused(request, escalated, grade_b_admin, who):
    with pytest.raises(InvalidInput):
        reassign_step(
            permit=escalated,
            by=grade_b_admin,
            step=step_of(escalated),
            assignee=request.getfixturevalue(who),
            now=h(9),
        )


def test_the_approval_step_is_never_handed_to_the_verifier(
    escalations_on, project, creator, verifier, approver, grade_b_admin, permit_type
):
    permit = submit(project, creator, permit_type, at=h(0), verifier=verifier)
    workflow.verify_permit(permit=permit, by=verifier, approve=True, approver=approver, now=h(1))
    with pytest.raises(InvalidInput):
        reassign_step(permit=permit, by=grade_b_admin, step=step_of(permit), assignee=verifier, now=h(2))
    with pytest.raises(ActionNotAllowed):
        take_over_step(permit=permit, by=verifier, step=step_of(permit), now=h(2))


def test_an_escalation_recipient_takes_the_step_over(escalated, grade_b_admin):
    take_over_step(permit=escalated, by=grade_b_admin, step=step_of(escalated), now=h(9))
    step = step_of(escalated)
    assert (step.assignee, step.pending_since) == (grade_b_admin, h(9))
    assert PermitEvent.objects.filter(permit=escalated, action="step_taken_over", actor=grade_b_admin).exists()
    assert not received(grade_b_admin, "ptw_verification")  # their own action


def test_nobody_takes_over_their_own_permit(escalations_on, project, verifier, grade_a_admin, permit_type):
    own = member(project, username="admin_creator", company_type=CompanyType.EPC, grade=Grade.A)
    permit = submit(project, own, permit_type, at=h(0), verifier=verifier)
    with pytest.raises(ActionNotAllowed):
        take_over_step(permit=permit, by=own, step=step_of(permit), now=h(9))


def test_role_holders_of_the_rule_may_act_other_members_may_not(chain_rule, escalated, safety_officer, project):
    acknowledge_escalation(permit=escalated, by=safety_officer, step=step_of(escalated), note="on it", now=h(9))
    plain = member(project, username="plain", company_type=CompanyType.EPC)
    with pytest.raises(ActionNotAllowed):
        reassign_step(permit=escalated, by=plain, step=step_of(escalated), assignee=safety_officer, now=h(9))


# --- API: 401 / 403 / 404 / 409 -------------------------------------------------------------------------


def url(permit, route):
    return f"{API}/{permit.pk}/steps/{step_of(permit).pk}/{route}/"


@pytest.fixture
def api_as():
    def make(user):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


def test_the_api_acknowledges_reassigns_and_takes_over(escalated, api_as, grade_b_admin, grade_a_admin, project):
    with time_machine.travel(h(9), tick=False):
        response = api_as(grade_b_admin).post(url(escalated, "acknowledge"), {"note": "on it"}, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["id"] == escalated.pk
        other = member(project, username="verifier2", company_type=CompanyType.EPC)
        response = api_as(grade_b_admin).post(url(escalated, "reassign"), {"assignee_id": other.pk}, format="json")
        assert response.status_code == 200, response.json()
        assert step_of(escalated).assignee == other
        response = api_as(grade_a_admin).post(url(escalated, "take-over"), {}, format="json")
        assert response.status_code == 200, response.json()
        assert step_of(escalated).assignee == grade_a_admin


def test_the_api_refuses_with_the_right_status(escalated, api_as, creator, outsider, project, permit_type):
    with time_machine.travel(h(9), tick=False):
        assert api_as(None).post(url(escalated, "acknowledge"), {"note": "x"}, format="json").status_code == 401
        assert api_as(outsider).post(url(escalated, "acknowledge"), {"note": "x"}, format="json").status_code == 404
        plain = member(project, username="plain", company_type=CompanyType.EPC)
        assert api_as(plain).post(url(escalated, "acknowledge"), {"note": "x"}, format="json").status_code == 403
        assert api_as(creator).post(url(escalated, "take-over"), {}, format="json").status_code == 403
        body = {"assignee_id": plain.pk}
        assert api_as(plain).post(url(escalated, "reassign"), body, format="json").status_code == 403
        missing = f"{API}/{escalated.pk}/steps/999999/acknowledge/"
        assert api_as(creator).post(missing, {"note": "x"}, format="json").status_code == 404


def test_the_api_answers_409_once_the_step_is_no_longer_pending(escalated, api_as, grade_b_admin, verifier):
    step = step_of(escalated)
    workflow.verify_permit(permit=escalated, by=verifier, approve=False, comments="no", now=h(9))
    with time_machine.travel(h(9, 5), tick=False):
        response = api_as(grade_b_admin).post(
            f"{API}/{escalated.pk}/steps/{step.pk}/acknowledge/", {"note": "on it"}, format="json"
        )
    assert response.status_code == 409
    assert not PermitEvent.objects.filter(permit=escalated, action="escalation_acknowledged").exists()
