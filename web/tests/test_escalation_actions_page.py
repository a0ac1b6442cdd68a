"""The permit page's escalation section: acknowledge, reassign, take over; the deep link from the notification."""

import pytest

from accounts.models import CompanyType
from notifications.models import Notification
from ptw.escalation import check_overdue_workflow_tasks
from ptw.models import PermitEvent, WorkflowStep
from ptw.tests.factories import member
from ptw.tests.test_escalation import h, submit

from .conftest import login, offered_actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def escalated(settings, escalation_levels, project, creator, verifier, grade_a_admin, grade_b_admin, permit_type):
    settings.ESCALATIONS_ENABLED = True
    permit = submit(project, creator, permit_type, at=h(0), verifier=verifier)
    check_overdue_workflow_tasks(now=h(8))
    return permit


def page_url(permit, action=""):
    return f"/dashboard/ptw/view/{permit.pk}" + (f"/actions/{action}/" if action else "")


def step_of(permit):
    return WorkflowStep.objects.get(instance__permit=permit, status="pending")


def test_the_escalation_notification_lands_on_the_escalation_section(client, escalated, grade_b_admin):
    note = Notification.objects.get(recipient=grade_b_admin, notification_type="ptw_escalated")
    response = login(client, grade_b_admin).post(f"/dashboard/notifications/{note.pk}/open/")
    assert response.url == f"/dashboard/ptw/view/{escalated.pk}#escalation"
    html = client.get(page_url(escalated)).content.decode()
    assert 'id="escalation"' in html
    assert {"acknowledge_escalation", "reassign_step", "take_over_step"} <= offered_actions(
        client.get(page_url(escalated))
    )


def test_a_grade_b_admin_reassigns_from_the_page(client, escalated, grade_b_admin, project):
    other = member(project, username="verifier2", company_type=CompanyType.EPC)
    data = {"reassign_step-step": step_of(escalated).pk, "reassign_step-assignee": other.pk}
    response = login(client, grade_b_admin).post(page_url(escalated, "reassign_step"), data)
    assert response.status_code == 302
    assert step_of(escalated).assignee == other
    assert Notification.objects.filter(recipient=other, notification_type="ptw_verification").count() == 1


def test_acknowledging_from_the_page_shows_on_the_timeline_and_the_steps(client, escalated, grade_b_admin):
    data = {"acknowledge_escalation-step": step_of(escalated).pk, "acknowledge_escalation-note": "calling him"}
    login(client, grade_b_admin).post(page_url(escalated, "acknowledge_escalation"), data)
    assert PermitEvent.objects.filter(permit=escalated, action="escalation_acknowledged").exists()
    html = client.get(page_url(escalated)).content.decode()
    assert "calling him" in html and f"Acknowledged by {grade_b_admin.display_name}" in html


def test_a_note_is_required_and_a_plain_member_gets_no_section(client, escalated, grade_b_admin, approver):
    data = {"acknowledge_escalation-step": step_of(escalated).pk, "acknowledge_escalation-note": ""}
    response = login(client, grade_b_admin).post(page_url(escalated, "acknowledge_escalation"), data)
    assert response.status_code == 400
    assert not PermitEvent.objects.filter(permit=escalated, action="escalation_acknowledged").exists()
    html = login(client, approver).get(page_url(escalated)).content.decode()
    assert 'id="escalation"' not in html
