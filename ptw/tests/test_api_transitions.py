"""Every workflow endpoint from every status, table-driven through the API.

Allowed: 200, the new status, one audit event for the change. Forbidden: 409 naming the
current status and the allowed next ones, and the permit left exactly as it was.
A Grade A admin acts throughout, so the status table alone decides (people are tested elsewhere).
"""

import pytest

from ptw.models import Permit, PermitEvent, PermitStatus
from ptw.states import ALLOWED_TRANSITIONS, status_phrase
from ptw.tests.conftest import permit_url

S = PermitStatus

# endpoint, body, the status it leads to, and the statuses it may start from
ACTIONS = {
    "initiate": ("initiate", {}, S.SUBMITTED, {S.DRAFT}),
    "verify-approve": ("verify", {"action": "approve"}, S.UNDER_REVIEW, {S.SUBMITTED}),
    "verify-reject": ("verify", {"action": "reject", "comments": "No gas test"}, S.REJECTED, {S.SUBMITTED}),
    "approve-approve": ("approve", {"action": "approve"}, S.APPROVED, {S.UNDER_REVIEW}),
    "approve-reject": ("approve", {"action": "reject", "comments": "Bad plan"}, S.REJECTED, {S.UNDER_REVIEW}),
    "activate": ("activate", {}, S.ACTIVE, {S.APPROVED}),
    "complete": ("complete", {"comment": "Done"}, S.COMPLETED, {S.ACTIVE}),
    "suspend": ("suspend", {"comment": "Gas alarm"}, S.SUSPENDED, {S.ACTIVE}),
    "resume": ("resume", {"comment": "Clear"}, S.ACTIVE, {S.SUSPENDED}),
    "cancel": (
        "cancel",
        {"comment": "Dropped"},
        S.CANCELLED,
        {S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.APPROVED, S.ACTIVE, S.SUSPENDED},
    ),
    "resubmit": ("resubmit", {"comment": "Fixed"}, S.DRAFT, {S.REJECTED}),
}
CASES = [(status, name) for status in S.values for name in ACTIONS]
ALLOWED = [case for case in CASES if case[0] in ACTIONS[case[1]][3]]
FORBIDDEN = [case for case in CASES if case not in ALLOWED]


def test_the_action_table_matches_the_status_machine():
    reached = {(status, ACTIONS[name][2]) for status, name in ALLOWED}
    declared = {(status, to) for status, targets in ALLOWED_TRANSITIONS.items() for to in targets}
    # Expiry is the system's (the sweep), not an endpoint; every other transition has one.
    assert reached == {pair for pair in declared if pair[1] != S.EXPIRED}


def _snapshot(permit: Permit) -> dict:
    row = Permit.objects.filter(pk=permit.pk).values().get()
    return {**row, "events": PermitEvent.objects.filter(permit=permit).count()}


@pytest.mark.parametrize(("status", "name"), ALLOWED)
def test_an_allowed_action_changes_the_status_and_writes_its_audit_event(
    status, name, permit_in, client_for, grade_a_admin
):
    permit = permit_in(status)
    endpoint, body, to, _ = ACTIONS[name]

    response = client_for(grade_a_admin).post(permit_url(permit, f"workflow/{endpoint}/"), body, format="json")

    assert response.status_code == 200, response.data
    assert response.data["status"] == to
    assert Permit.objects.get(pk=permit.pk).status == to
    event = PermitEvent.objects.filter(permit=permit, to_status=to).exclude(from_status=to).latest("id")
    assert (event.from_status, event.to_status, event.actor_id) == (status, to, grade_a_admin.pk)
    assert event.comment == body.get("comment", body.get("comments", ""))


@pytest.mark.parametrize(("status", "name"), FORBIDDEN)
def test_a_forbidden_action_is_a_conflict_and_leaves_the_permit_unchanged(
    status, name, permit_in, client_for, grade_a_admin
):
    permit = permit_in(status)
    endpoint, body, _, _ = ACTIONS[name]
    before = _snapshot(permit)

    response = client_for(grade_a_admin).post(permit_url(permit, f"workflow/{endpoint}/"), body, format="json")

    assert response.status_code == 409, response.data
    assert response.data["current_status"] == status
    assert response.data["allowed_next"] == list(ALLOWED_TRANSITIONS[status])
    assert f"it is {status_phrase(status)}" in response.data["detail"]
    assert _snapshot(permit) == before
