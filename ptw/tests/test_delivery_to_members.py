"""Membership is checked at delivery: notifications and escalations reach only active users who are
active members of the permit's project, and a step whose assignee left escalates as unassigned.
(The live stream's end for such users: web/tests/test_live_stream.py.)"""

from dataclasses import replace

import pytest
from django.utils import timezone

from accounts.models import CompanyType, Grade, Membership
from notifications.models import Notification
from ptw import workflow
from ptw.escalation import check_overdue_workflow_tasks
from ptw.models import EscalationRecord
from ptw.notification_utils import PermitFacts, notify_isolation_pending
from ptw.tests.factories import ProjectFactory, member
from ptw.tests.test_escalation import MONDAY_9AM, h, submit

S = "under_review"


def inbox(user, event_type=None) -> list[str]:
    notes = Notification.objects.filter(recipient=user)
    if event_type:
        notes = notes.filter(notification_type=event_type)
    return list(notes.values_list("notification_type", flat=True))


def leave(user, how: str) -> None:
    if how == "deactivated":
        type(user).objects.filter(pk=user.pk).update(is_active=False)
    else:  # left the project (still a member of another one, if any)
        Membership.objects.filter(user=user, project__code="ALPHA").update(is_active=False)


@pytest.fixture
def elsewhere(verifier):
    """The verifier is also a Grade A member of another project."""
    other = ProjectFactory.create(code="BETA", name="Beta plant")
    Membership.objects.create(user=verifier, project=other, company_type=CompanyType.EPC, grade=Grade.A)
    return other


@pytest.mark.usefixtures("escalations_on", "elsewhere")
@pytest.mark.parametrize("how", ["left", "deactivated"])
def test_an_overdue_step_whose_assignee_left_escalates_as_unassigned(
    how, project, creator, verifier, grade_a_admin, grade_b_admin, permit_type
):
    permit = submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)
    leave(verifier, how)

    check_overdue_workflow_tasks(now=h(8))  # twice the 4 h default: both levels

    what = f"The verification of permit {permit.permit_number} (Replace valve V-101) has been pending for 8 h 00 min"
    told_creator = Notification.objects.get(recipient=creator, notification_type="ptw_overdue")
    assert told_creator.message == (
        f"{what} (limit 4 h) with {verifier.display_name}, who is no longer a member of the project: "
        "you must assign someone else."
    )
    assert told_creator.data["assignee_id"] is None
    assert inbox(verifier) == ["ptw_verification"]  # from before they left
    assert inbox(grade_a_admin, "ptw_escalated") == inbox(grade_b_admin, "ptw_escalated") == ["ptw_escalated"]
    recipients = sorted(EscalationRecord.objects.values_list("level", "recipient_ids"))
    assert recipients == [(1, [creator.pk]), (2, sorted([grade_a_admin.pk, grade_b_admin.pk]))]


@pytest.mark.usefixtures("escalations_on")
def test_when_the_creator_left_too_only_the_admins_hear_of_it(project, creator, verifier, grade_a_admin, permit_type):
    submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)
    leave(verifier, "left")
    leave(creator, "left")

    check_overdue_workflow_tasks(now=h(8))

    assert sorted(inbox(creator)) == ["ptw_created", "ptw_submitted"]  # before they left
    assert inbox(verifier) == ["ptw_verification"]
    assert inbox(grade_a_admin) == ["ptw_escalated"]
    assert sorted(EscalationRecord.objects.values_list("level", "recipient_ids")) == [
        (1, []),
        (2, [grade_a_admin.pk]),
    ]


@pytest.mark.parametrize("how", ["left", "deactivated"])
def test_the_services_tell_nobody_who_left_or_was_deactivated(how, permit_in, creator, verifier, approver, elsewhere):
    permit = permit_in(S)
    leave(verifier, how)

    workflow.approve_permit(permit=permit, by=approver, approve=True, now=timezone.now())

    assert inbox(creator, "ptw_approved") == ["ptw_approved"]
    assert inbox(verifier, "ptw_approved") == []


def test_a_member_of_two_projects_who_left_one_hears_only_of_the_other(
    permit_in, draft, verifier, elsewhere, permit_type
):
    here = PermitFacts.of(permit_in(S))
    there_creator = member(elsewhere, username="beta_creator")
    there = PermitFacts.of(draft(by=there_creator, project=elsewhere))
    there = replace(there, verifier_id=verifier.pk)
    leave(verifier, "left")

    notify_isolation_pending([here, there], now=timezone.now())

    heard = Notification.objects.filter(recipient=verifier, notification_type="ptw_isolation_pending")
    assert list(heard.values_list("data__permit_id", flat=True)) == [there.id]
