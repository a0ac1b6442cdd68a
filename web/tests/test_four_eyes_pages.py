"""Four eyes on the permit page: the choosers never offer someone playing another part of the
permit, a forged choice is a 400 on its field, and a Grade A admin who verified is offered no approval."""

import pytest
from django.utils import timezone

from ptw.models import PermitEvent
from ptw.workflow import verify_permit

from .conftest import login

pytestmark = pytest.mark.django_db


def page(client, permit):
    return client.get(f"/dashboard/ptw/view/{permit.pk}/")


def act(client, permit, action, data):
    return client.post(f"/dashboard/ptw/view/{permit.pk}/actions/{action}/", data)


def choices(response, action: str, field: str) -> set[str]:
    queryset = response.context["forms"][action].fields[field].queryset
    return {user.username for user in queryset}


def test_the_verify_form_never_offers_the_verifier_or_the_creator_as_approver(
    client, verifier, approver, grade_a_admin, submitted
):
    offered = choices(page(login(client, verifier), submitted), "verify", "approver")

    assert offered == {approver.username, grade_a_admin.username}


def test_a_forged_self_approval_is_a_400_on_the_approver_field_and_changes_nothing(client, verifier, submitted):
    events = PermitEvent.objects.count()

    response = act(
        login(client, verifier), submitted, "verify", {"verify-decision": "approve", "verify-approver": verifier.pk}
    )

    assert response.status_code == 400
    assert response.context["forms"]["verify"].errors["approver"]
    submitted.refresh_from_db()
    assert submitted.status == "submitted" and PermitEvent.objects.count() == events


@pytest.mark.parametrize("chooser", ["creator", "verifier", "grade_a_admin"])
def test_the_assign_approver_form_never_offers_the_verifier_or_the_creator(
    client, request, chooser, verifier, approver, grade_a_admin, grade_b_admin, submitted
):
    verify_permit(permit=submitted, by=verifier, approve=True, now=timezone.now())

    offered = choices(page(login(client, request.getfixturevalue(chooser)), submitted), "assign_approver", "approver")
    forged = act(client, submitted, "assign_approver", {"assign_approver-approver": verifier.pk})

    assert verifier.username not in offered and "creator" not in offered
    assert approver.username in offered
    assert forged.status_code == 400
    submitted.refresh_from_db()
    assert submitted.approver is None


def test_a_grade_a_admin_who_verified_is_offered_no_approval(client, grade_a_admin, approver, submitted):
    verify_permit(permit=submitted, by=grade_a_admin, approve=True, approver=approver, now=timezone.now())

    offered = page(login(client, grade_a_admin), submitted).context["forms"]
    refused = act(client, submitted, "approve", {"approve-decision": "approve"})

    assert "approve" not in offered and "assign_approver" in offered
    assert refused.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "under_review"
