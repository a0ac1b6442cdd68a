"""Suspension notices (issue 15, part 4): a reason is required; the holder, verifier and
approver are told on suspension and again on resumption; a suspended permit past its end
expires as before, and the notice says it expired while suspended."""

import pytest
import time_machine
from django.utils import timezone

from notifications.models import Notification
from ptw.escalation import auto_expire_permits
from ptw.models import PermitEvent, PermitStatus
from ptw.tests.conftest import at, permit_url
from ptw.workflow import resume_permit, suspend_permit

S = PermitStatus


def told(permit, event_type):
    return sorted(
        Notification.objects.filter(notification_type=event_type, subject_id=permit.pk).values_list(
            "recipient__username", flat=True
        )
    )


@pytest.mark.parametrize("body", [{}, {"comment": ""}, {"comment": "   "}])
def test_suspending_over_the_api_without_a_reason_is_a_400_naming_the_field(permit_in, approver, client_for, body):
    permit = permit_in(S.ACTIVE)

    response = client_for(approver).post(permit_url(permit, "workflow/suspend/"), body, format="json")

    assert response.status_code == 400 and "comment" in response.json()
    permit.refresh_from_db()
    assert permit.status == S.ACTIVE and told(permit, "ptw_suspended") == []


def test_the_suspend_form_without_a_reason_is_refused_on_the_page(client, permit_in, approver):
    permit = permit_in(S.ACTIVE)
    client.force_login(approver)

    response = client.post(f"/dashboard/ptw/view/{permit.pk}/actions/suspend/", {"suspend-comment": ""})

    assert response.status_code == 400 and "This field is required." in response.content.decode()
    permit.refresh_from_db()
    assert permit.status == S.ACTIVE


def test_the_holder_verifier_and_approver_are_told_why_and_until_when(permit_in, approver, client_for):
    permit = permit_in(S.ACTIVE)

    response = client_for(approver).post(
        permit_url(permit, "workflow/suspend/"), {"comment": "Gas alarm in unit 3."}, format="json"
    )

    assert response.status_code == 200
    assert told(permit, "ptw_suspended") == ["creator", "verifier"]  # the approver acted: not told
    note = Notification.objects.get(notification_type="ptw_suspended", recipient__username="creator")
    assert "Gas alarm in unit 3." in note.message and "still expires at" in note.message
    assert note.title == f"Work suspended: {permit.permit_number}"


def test_resuming_tells_them_again_and_each_suspension_is_news(permit_in, creator, approver):
    permit = permit_in(S.ACTIVE)
    for reason in ("Gas alarm.", "Wind above 40 km/h."):
        suspend_permit(permit=permit, by=creator, comment=reason, now=timezone.now())
        resume_permit(permit=permit, by=approver, comment="All clear.", now=timezone.now())

    assert told(permit, "ptw_suspended") == ["approver", "approver", "verifier", "verifier"]
    assert told(permit, "ptw_resumed") == ["creator", "creator", "verifier", "verifier"]


def test_a_suspended_permit_past_its_end_expires_and_the_notice_says_so(live_permit, approver):
    permit = live_permit(S.SUSPENDED, end=at(17))

    for hour in range(15, 19):
        with time_machine.travel(at(hour), tick=False):
            assert auto_expire_permits(now=at(hour)).ok
        permit.refresh_from_db()
        assert permit.status == (S.SUSPENDED if hour < 17 else S.EXPIRED)

    assert told(permit, "ptw_expired") == ["approver", "creator", "verifier"]
    note = Notification.objects.get(notification_type="ptw_expired", recipient=approver)
    assert "expired while suspended" in note.message
    event = PermitEvent.objects.filter(permit=permit).latest("id")
    assert (event.action, event.from_status, event.comment) == (
        "expired",
        S.SUSPENDED,
        "Planned end time passed while the work was suspended.",
    )


def test_an_active_permit_past_its_end_tells_only_its_holder(live_permit):
    permit = live_permit(S.ACTIVE, end=at(17))
    auto_expire_permits(now=at(17))
    assert told(permit, "ptw_expired") == ["creator"]
