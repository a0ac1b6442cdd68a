"""Who may reach which permit endpoint: other projects see nothing (404), bystanders may not act (403),
anonymous callers get 401, and only eligible people become verifier or approver."""

import pytest
from django.utils import timezone

from accounts.models import CompanyType, Grade
from ptw.isolation import assign_isolation_point
from ptw.models import Permit, PermitEvent, PermitStatus
from ptw.tests.conftest import API, permit_url
from ptw.tests.factories import IsolationPointFactory, ProjectFactory, member

S = PermitStatus
WORKFLOW_ACTIONS = [
    "initiate",
    "assign-verifier",
    "verify",
    "assign-approver",
    "approve",
    "activate",
    "complete",
    "suspend",
    "resume",
    "cancel",
    "resubmit",
]
# (method, path below /permits/{id}/) of every endpoint about one permit
PERMIT_ENDPOINTS = [
    ("get", ""),
    ("patch", ""),
    ("get", "verifier-candidates/"),
    ("get", "approver-candidates/"),
    ("get", "timeline/"),
    ("get", "isolation/"),
    ("post", "isolation/"),
    ("post", "isolation/{assignment}/isolate/"),
    ("post", "isolation/{assignment}/verify/"),
    ("post", "isolation/{assignment}/deisolate/"),
    ("get", "closeout/"),
    ("patch", "closeout/"),
    ("get", "workflow/status/"),
    *[("post", f"workflow/{action}/") for action in WORKFLOW_ACTIONS],
]
LIST_ENDPOINTS = ["permit-types/", "projects/", "permits/", "workflow/my-tasks/", "isolation-points/"]


@pytest.fixture
def bystander(project):
    """A member of the permit's project with no part in the permit."""
    return member(project, username="bystander", company_type=CompanyType.CONTRACTOR, grade=Grade.C)


@pytest.fixture
def active_permit(permit_in, project, creator):
    permit = permit_in(S.ACTIVE)
    permit.assignment = assign_isolation_point(
        permit=permit, by=creator, point=IsolationPointFactory.create(project=project), now=timezone.now()
    )
    return permit


def _call(client, method, permit, path, body=None):
    url = permit_url(permit, path.format(assignment=getattr(permit, "assignment", None) and permit.assignment.pk))
    return getattr(client, method)(url, body or {}, format="json")


def _state(permit):
    return (Permit.objects.filter(pk=permit.pk).values().get(), PermitEvent.objects.filter(permit=permit).count())


@pytest.mark.parametrize(("method", "path"), PERMIT_ENDPOINTS)
def test_a_member_of_another_project_gets_404_for_every_permit_endpoint(
    method, path, active_permit, outsider, client_for
):
    before = _state(active_permit)

    response = _call(client_for(outsider), method, active_permit, path)

    assert response.status_code == 404
    assert _state(active_permit) == before


@pytest.mark.parametrize(("method", "path"), PERMIT_ENDPOINTS)
def test_an_anonymous_caller_is_refused_every_permit_endpoint(method, path, active_permit, api_client):
    before = _state(active_permit)

    response = _call(api_client, method, active_permit, path)

    assert response.status_code == 401
    assert _state(active_permit) == before


@pytest.mark.parametrize("path", LIST_ENDPOINTS)
def test_an_anonymous_caller_is_refused_every_list(path, api_client, db):
    assert api_client.get(f"{API}/{path}").status_code == 401


def test_an_assignment_of_another_permit_is_404(active_permit, permit_in, creator, client_for):
    other = permit_in(S.APPROVED)

    response = client_for(creator).post(
        permit_url(other, f"isolation/{active_permit.assignment.pk}/isolate/"), {"lock_ids": ["L1"]}, format="json"
    )

    assert response.status_code == 404
    active_permit.assignment.refresh_from_db()
    assert active_permit.assignment.status == "assigned"


# (status, endpoint, body, who may not): each is a person of the project without that part in the permit.
NOT_YOURS = [
    (S.DRAFT, "patch:", {"title": "Mine now"}, "verifier"),
    (S.DRAFT, "workflow/initiate/", {}, "verifier"),
    (S.SUBMITTED, "workflow/assign-verifier/", {"verifier_id": "approver"}, "verifier"),
    (S.SUBMITTED, "workflow/verify/", {"action": "approve"}, "approver"),
    (S.SUBMITTED, "workflow/verify/", {"action": "approve"}, "grade_b_admin"),
    (S.UNDER_REVIEW, "workflow/assign-approver/", {"approver_id": "grade_b_admin"}, "approver"),
    (S.UNDER_REVIEW, "workflow/approve/", {"action": "approve"}, "verifier"),
    (S.UNDER_REVIEW, "workflow/approve/", {"action": "approve"}, "creator"),
    (S.APPROVED, "workflow/activate/", {}, "verifier"),
    (S.ACTIVE, "workflow/complete/", {}, "verifier"),
    (S.ACTIVE, "workflow/suspend/", {"comment": "Why not"}, "bystander"),
    (S.SUSPENDED, "workflow/resume/", {}, "creator"),
    (S.SUBMITTED, "workflow/cancel/", {}, "verifier"),
    (S.REJECTED, "workflow/resubmit/", {}, "verifier"),
    (S.ACTIVE, "patch:closeout/", {"remarks": "All fine"}, "verifier"),
]


@pytest.mark.parametrize(("status", "endpoint", "body", "who"), NOT_YOURS)
def test_a_project_member_without_that_part_in_the_permit_gets_403_and_nothing_changes(
    status, endpoint, body, who, permit_in, client_for, request, grade_b_admin, bystander
):
    permit = permit_in(status)
    body = {key: request.getfixturevalue(value).pk if key.endswith("_id") else value for key, value in body.items()}
    method, _, path = endpoint.rpartition(":")
    before = _state(permit)

    response = _call(client_for(request.getfixturevalue(who)), method or "post", permit, path, body)

    assert response.status_code == 403, response.data
    assert "may not" in response.data["detail"] or "member" in response.data["detail"]
    assert _state(permit) == before


def test_a_grade_a_admin_may_act_on_a_step_assigned_to_someone_else(permit_in, client_for, grade_a_admin):
    permit = permit_in(S.SUBMITTED)

    response = client_for(grade_a_admin).post(
        permit_url(permit, "workflow/verify/"), {"action": "approve"}, format="json"
    )

    assert response.status_code == 200 and response.data["status"] == S.UNDER_REVIEW


def test_even_a_grade_a_admin_may_not_verify_their_own_permit(draft, client_for, grade_a_admin, verifier):
    permit = draft(by=grade_a_admin)
    client = client_for(grade_a_admin)
    client.post(permit_url(permit, "workflow/initiate/"), {}, format="json")

    response = client.post(permit_url(permit, "workflow/verify/"), {"action": "approve"}, format="json")

    assert response.status_code == 403
    assert Permit.objects.get(pk=permit.pk).status == S.SUBMITTED


def test_the_detail_offers_each_person_only_their_own_actions(permit_in, client_for, verifier, approver, bystander):
    permit = permit_in(S.SUBMITTED)

    def actions(user):
        return client_for(user).get(permit_url(permit)).data["available_actions"]

    assert "verify" in actions(verifier)
    assert "verify" not in actions(approver)
    assert actions(bystander) == ["isolation"]


# --- verifier and approver eligibility ---------------------------------------------------------


@pytest.fixture
def contractor_colleague(project):
    return member(project, username="colleague", company_type=CompanyType.CONTRACTOR)


@pytest.fixture
def stranger(db):
    return member(ProjectFactory.create(code="FAR"), username="stranger", company_type=CompanyType.EPC)


@pytest.mark.parametrize("candidate", ["contractor_colleague", "creator", "stranger", "nobody"])
def test_an_ineligible_or_unknown_verifier_is_a_400_on_verifier_id(
    candidate, permit_in, client_for, creator, request, contractor_colleague, stranger
):
    permit = permit_in(S.SUBMITTED)
    user_id = 999_999 if candidate == "nobody" else request.getfixturevalue(candidate).pk
    before = _state(permit)

    response = client_for(creator).post(
        permit_url(permit, "workflow/assign-verifier/"), {"verifier_id": user_id}, format="json"
    )

    assert response.status_code == 400
    assert list(response.data) == ["verifier_id"]
    assert _state(permit) == before


def test_an_ineligible_approver_chosen_while_verifying_is_a_400_and_nothing_is_verified(
    permit_in, client_for, verifier, contractor_colleague
):
    permit = permit_in(S.SUBMITTED)
    before = _state(permit)

    response = client_for(verifier).post(
        permit_url(permit, "workflow/verify/"),
        {"action": "approve", "approver_id": contractor_colleague.pk},
        format="json",
    )

    assert response.status_code == 400 and "approver_id" in response.data
    assert _state(permit) == before
    assert permit.workflow.steps.get(step_id="verification").status == "pending"


def test_a_client_creator_may_pick_only_client_members(draft, client_for, project, verifier, approver):
    client_creator = member(project, username="client_engineer", company_type=CompanyType.CLIENT)
    permit = draft(by=client_creator)
    client = client_for(client_creator)
    client.post(permit_url(permit, "workflow/initiate/"), {}, format="json")

    candidates = client.get(permit_url(permit, "verifier-candidates/")).data
    refused = client.post(permit_url(permit, "workflow/assign-verifier/"), {"verifier_id": verifier.pk}, format="json")

    assert [user["username"] for user in candidates] == ["approver"]
    assert refused.status_code == 400 and "verifier_id" in refused.data


def test_candidates_are_epc_and_client_members_but_never_the_creator(
    draft, client_for, creator, verifier, approver, grade_a_admin, contractor_colleague, stranger
):
    permit = draft(by=grade_a_admin)  # a client creator: their picks are client members only

    verifiers = client_for(creator).get(permit_url(permit, "verifier-candidates/")).data
    approvers = client_for(verifier).get(permit_url(permit, "approver-candidates/")).data

    assert [user["username"] for user in verifiers] == ["approver"]
    # the verifier (EPC) chooses the approver: EPC and client members, minus the creator
    assert [user["username"] for user in approvers] == ["approver", "verifier"]
    assert set(approvers[0]) == {"id", "username", "display_name"}


def test_when_an_admin_submits_the_creators_choice_rules_decide_the_auto_assigned_verifier(
    draft, client_for, project, creator, verifier, approver
):
    """A client admin on their own would see one pick (the client approver); the contractor creator sees three."""
    admin = member(project, username="client_admin", company_type=CompanyType.CLIENT, grade=Grade.A)
    permit = draft()

    response = client_for(admin).post(permit_url(permit, "workflow/initiate/"), {}, format="json")

    assert response.status_code == 200
    assert response.data["verifier"] is None
