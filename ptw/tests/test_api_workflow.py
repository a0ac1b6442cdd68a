"""The verify/approve workflow over HTTP, as the people who really do each step."""

from datetime import timedelta

import pytest
from django.db.models import F

from ptw.models import Permit, PermitEvent, PermitStatus, StepStatus
from ptw.tests.conftest import API, permit_url

S = PermitStatus


def _create_over_http(client, project, permit_type, start_time) -> dict:
    response = client.post(
        f"{API}/permits/",
        {
            "project": project.pk,
            "permit_type": permit_type.pk,
            "title": "Replace valve V-101",
            "description": "Swap the leaking valve.",
            "location": "Unit 3",
            "planned_start_time": start_time.isoformat(),
            "planned_end_time": (start_time + timedelta(hours=8)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    return response.data


def test_the_right_people_walk_a_permit_from_draft_to_completed(
    client_for, project, creator, verifier, approver, permit_type, start_time
):
    as_creator, as_verifier, as_approver = client_for(creator), client_for(verifier), client_for(approver)
    created = _create_over_http(as_creator, project, permit_type, start_time)
    assert created["status"] == S.DRAFT and created["permit_number"].startswith("PTW-")
    assert set(created["available_actions"]) == {"edit", "initiate", "cancel", "isolation"}
    url = f"{API}/permits/{created['id']}/workflow"

    response = as_creator.post(f"{url}/initiate/", {}, format="json")
    assert response.status_code == 200 and response.data["status"] == S.SUBMITTED
    assert response.data["verifier"] is None  # two eligible reviewers: the creator must choose

    response = as_creator.post(f"{url}/assign-verifier/", {"verifier_id": verifier.pk}, format="json")
    assert response.data["verifier"] == {
        "id": verifier.pk,
        "username": "verifier",
        "display_name": verifier.display_name,
    }

    response = as_verifier.post(
        f"{url}/verify/", {"action": "approve", "comments": "Checked", "approver_id": approver.pk}, format="json"
    )
    assert response.status_code == 200, response.data
    assert response.data["status"] == S.UNDER_REVIEW and response.data["approver"]["id"] == approver.pk
    assert response.data["verified_at"] is not None

    response = as_approver.post(f"{url}/approve/", {"action": "approve", "comments": "Go"}, format="json")
    assert response.data["status"] == S.APPROVED and response.data["approved_at"] is not None

    response = as_creator.post(f"{url}/activate/", {}, format="json")
    assert response.data["status"] == S.ACTIVE and response.data["actual_start_time"] is not None

    response = as_creator.post(f"{url}/complete/", {"comment": "Done, area clean"}, format="json")
    assert response.status_code == 200
    assert response.data["status"] == S.COMPLETED and response.data["actual_end_time"] is not None
    assert response.data["available_actions"] == ["isolation"]  # de-isolation continues after the work

    changes = PermitEvent.objects.filter(permit_id=created["id"]).exclude(from_status=F("to_status"))
    assert list(changes.values_list("to_status", "actor__username")) == [
        ("submitted", "creator"),
        ("under_review", "verifier"),
        ("approved", "approver"),
        ("active", "creator"),
        ("completed", "creator"),
    ]


def test_the_verifier_rejects_with_comments_and_the_creator_resubmits(client_for, permit_in, creator, verifier):
    permit = permit_in(S.SUBMITTED)

    response = client_for(verifier).post(
        permit_url(permit, "workflow/verify/"), {"action": "reject", "comments": "No gas test attached"}, format="json"
    )

    assert response.status_code == 200
    assert response.data["status"] == S.REJECTED
    assert response.data["rejection_reason"] == "No gas test attached"
    assert permit.workflow.steps.get(step_id="verification").status == StepStatus.REJECTED
    response = client_for(creator).post(
        permit_url(permit, "workflow/resubmit/"), {"comment": "Gas test added"}, format="json"
    )
    assert response.data["status"] == S.DRAFT
    response = client_for(creator).post(permit_url(permit, "workflow/initiate/"), {}, format="json")
    assert response.data["status"] == S.SUBMITTED


def test_the_approver_rejects_with_comments(client_for, permit_in, approver):
    permit = permit_in(S.UNDER_REVIEW)

    response = client_for(approver).post(
        permit_url(permit, "workflow/approve/"), {"action": "reject", "comments": "Wrong isolation plan"}, format="json"
    )

    assert response.status_code == 200
    assert response.data["status"] == S.REJECTED
    assert permit.workflow.steps.get(step_id="approval").status == StepStatus.REJECTED
    assert PermitEvent.objects.filter(
        permit=permit, action="rejected_at_approval", comment="Wrong isolation plan"
    ).exists()


@pytest.mark.parametrize(
    ("status", "endpoint", "reviewer"),
    [
        (S.SUBMITTED, "verify", "verifier"),
        (S.UNDER_REVIEW, "approve", "approver"),
    ],
)
def test_a_rejection_without_comments_is_refused_and_changes_nothing(
    client_for, permit_in, status, endpoint, reviewer, request
):
    permit = permit_in(status)
    events = permit.events.count()

    response = client_for(request.getfixturevalue(reviewer)).post(
        permit_url(permit, f"workflow/{endpoint}/"), {"action": "reject"}, format="json"
    )

    assert response.status_code == 400
    assert "comments" in response.data
    assert Permit.objects.get(pk=permit.pk).status == status
    assert permit.events.count() == events


def test_the_verifier_may_approve_without_an_approver_who_is_assigned_later(
    client_for, permit_in, creator, verifier, approver
):
    permit = permit_in(S.SUBMITTED)
    client_for(verifier).post(permit_url(permit, "workflow/verify/"), {"action": "approve"}, format="json")

    refused = client_for(verifier).post(permit_url(permit, "workflow/approve/"), {"action": "approve"}, format="json")
    response = client_for(verifier).post(
        permit_url(permit, "workflow/assign-approver/"), {"approver_id": approver.pk}, format="json"
    )

    assert refused.status_code == 403  # the approval step is nobody's yet, and surely not the verifier's
    assert response.status_code == 200 and response.data["approver"]["id"] == approver.pk
    step = permit.workflow.steps.get(step_id="approval")
    assert step.assignee_id == approver.pk and step.status == StepStatus.PENDING


def test_workflow_status_lists_the_steps_and_my_actions(client_for, permit_in, verifier, approver):
    permit = permit_in(S.UNDER_REVIEW)

    response = client_for(approver).get(permit_url(permit, "workflow/status/"))

    assert response.status_code == 200
    assert response.data["status"] == S.UNDER_REVIEW
    assert [(s["step_id"], s["name"], s["role"], s["status"], s["order"]) for s in response.data["steps"]] == [
        ("verification", "Verification", "verifier", "approved", 1),
        ("approval", "Approval", "approver", "pending", 2),
    ]
    verification, approval = response.data["steps"]
    assert verification["assignee"]["id"] == verifier.pk and verification["completed_at"] is not None
    assert approval["assignee"]["id"] == approver.pk and approval["pending_since"] is not None
    assert "approve" in response.data["available_actions"]


def test_a_draft_has_no_workflow_steps_yet(client_for, draft, creator):
    response = client_for(creator).get(permit_url(draft(), "workflow/status/"))

    assert response.data["steps"] == []
    assert "initiate" in response.data["available_actions"]


def test_my_tasks_lists_only_my_pending_steps_with_their_permit(client_for, permit_in, verifier, approver):
    waiting = permit_in(S.SUBMITTED, title="Weld pipe rack")
    permit_in(S.UNDER_REVIEW, title="Paint tank")

    mine = client_for(verifier).get(f"{API}/workflow/my-tasks/").data["results"]
    theirs = client_for(approver).get(f"{API}/workflow/my-tasks/").data["results"]

    assert [(task["step_id"], task["permit"]["id"]) for task in mine] == [("verification", waiting.pk)]
    assert mine[0]["permit"]["title"] == "Weld pipe rack" and mine[0]["status"] == "pending"
    assert [(task["step_id"], task["permit"]["title"]) for task in theirs] == [("approval", "Paint tank")]


def test_suspend_needs_a_reason_and_resume_restarts_the_work(client_for, permit_in, creator, approver):
    permit = permit_in(S.ACTIVE)

    refused = client_for(creator).post(permit_url(permit, "workflow/suspend/"), {}, format="json")
    suspended = client_for(creator).post(
        permit_url(permit, "workflow/suspend/"), {"comment": "Gas alarm"}, format="json"
    )
    resumed = client_for(approver).post(permit_url(permit, "workflow/resume/"), {"comment": "All clear"}, format="json")

    assert refused.status_code == 400 and "comment" in refused.data
    assert suspended.data["status"] == S.SUSPENDED and suspended.data["suspended_at"] is not None
    assert resumed.data["status"] == S.ACTIVE and resumed.data["suspended_at"] is None


def test_cancelling_a_permit_in_review_skips_its_open_step(client_for, permit_in, creator):
    permit = permit_in(S.UNDER_REVIEW)

    response = client_for(creator).post(
        permit_url(permit, "workflow/cancel/"), {"comment": "Job dropped"}, format="json"
    )

    assert response.data["status"] == S.CANCELLED and response.data["cancelled_at"] is not None
    assert permit.workflow.steps.get(step_id="approval").status == StepStatus.SKIPPED
