"""Four eyes: a permit's creator, verifier and approver are three different people, whatever their
grade, on every path that makes someone one of them (ptw/policy.py OTHER_PARTS, ptw/selectors.py
may_take_step). A bad choice is a 400 on its field; acting while playing another part is a 403."""

import pytest
from django.utils import timezone

from accounts.models import CompanyType, Grade
from ptw import workflow
from ptw.errors import ActionNotAllowed, InvalidInput
from ptw.models import Permit, PermitEvent, PermitStatus, StepId
from ptw.selectors import may_take_step, reviewer_candidates
from ptw.tests.conftest import permit_url
from ptw.tests.factories import member

S = PermitStatus
GRADES = [Grade.A, Grade.B, Grade.C]
FOUR_EYES = "its creator, verifier and approver must be three different people."


@pytest.fixture
def graded(project):
    """graded(grade) → {creator, verifier, approver, other}: EPC/client members of that grade."""

    def make(grade: str) -> dict:
        return {
            "creator": member(project, username="g_creator", company_type=CompanyType.EPC, grade=grade),
            "verifier": member(project, username="g_verifier", company_type=CompanyType.EPC, grade=grade),
            "approver": member(project, username="g_approver", company_type=CompanyType.CLIENT, grade=grade),
            "other": member(project, username="g_other", company_type=CompanyType.CLIENT, grade=grade),
        }

    return make


@pytest.fixture
def walked(draft):
    """walked(people, status) → a permit of people["creator"] brought to `status` by them."""

    def walk(people: dict, status: str) -> Permit:
        now = timezone.now()
        permit = draft(by=people["creator"])
        workflow.initiate_workflow(permit=permit, by=people["creator"], now=now)
        workflow.assign_verifier(permit=permit, by=people["creator"], verifier=people["verifier"], now=now)
        if status == S.UNDER_REVIEW:
            workflow.verify_permit(
                permit=permit, by=people["verifier"], approve=True, approver=people["approver"], now=now
            )
        return permit

    return walk


def _state(permit: Permit) -> tuple:
    return Permit.objects.filter(pk=permit.pk).values().get(), PermitEvent.objects.filter(permit=permit).count()


@pytest.mark.parametrize("grade", GRADES)
def test_the_verifier_may_not_name_themselves_approver(grade, graded, walked, client_for):
    people = graded(grade)
    permit = walked(people, S.SUBMITTED)
    before = _state(permit)

    response = client_for(people["verifier"]).post(
        permit_url(permit, "workflow/verify/"),
        {"action": "approve", "approver_id": people["verifier"].pk},
        format="json",
    )

    assert response.status_code == 400
    assert response.data == {"approver_id": [f"You are this permit's verifier: {FOUR_EYES}"]}
    assert _state(permit) == before  # not even verified


@pytest.mark.parametrize("grade", GRADES)
@pytest.mark.parametrize(("by", "says"), [("creator", "G. Verifier is"), ("verifier", "You are")])
def test_the_verifier_may_not_be_assigned_approver(grade, by, says, graded, walked, client_for):
    people = graded(grade)
    people["verifier"].first_name, people["verifier"].last_name = "G.", "Verifier"
    people["verifier"].save()
    permit = walked(people, S.SUBMITTED)
    workflow.verify_permit(permit=permit, by=people["verifier"], approve=True, now=timezone.now())
    before = _state(permit)

    response = client_for(people[by]).post(
        permit_url(permit, "workflow/assign-approver/"), {"approver_id": people["verifier"].pk}, format="json"
    )

    assert response.status_code == 400
    assert response.data == {"approver_id": [f"{says} this permit's verifier: {FOUR_EYES}"]}
    assert _state(permit) == before


@pytest.mark.parametrize("grade", GRADES)
@pytest.mark.parametrize(("route", "field"), [("assign-verifier/", "verifier_id"), ("assign-approver/", "approver_id")])
def test_the_creator_may_not_be_assigned_either_step(grade, route, field, graded, walked, client_for):
    people = graded(grade)
    permit = walked(people, S.SUBMITTED if field == "verifier_id" else S.UNDER_REVIEW)
    before = _state(permit)

    response = client_for(people["creator"]).post(
        permit_url(permit, f"workflow/{route}"), {field: people["creator"].pk}, format="json"
    )

    assert response.status_code == 400
    assert response.data == {field: [f"You are this permit's creator: {FOUR_EYES}"]}
    assert _state(permit) == before


def test_the_approver_may_not_be_assigned_to_verify(graded, walked, client_for):
    people = graded(Grade.C)
    permit = walked(people, S.SUBMITTED)
    Permit.objects.filter(pk=permit.pk).update(approver=people["other"])  # however it came to be

    response = client_for(people["creator"]).post(
        permit_url(permit, "workflow/assign-verifier/"), {"verifier_id": people["other"].pk}, format="json"
    )

    assert response.status_code == 400
    assert "this permit's approver" in response.data["verifier_id"][0]


def test_the_approver_may_not_verify_even_when_assigned_to(graded, walked, client_for):
    """Unreachable through the services today (submitting clears the approver); the rule holds anyway."""
    people = graded(Grade.C)
    permit = walked(people, S.SUBMITTED)
    Permit.objects.filter(pk=permit.pk).update(approver=people["verifier"])
    before = _state(permit)

    response = client_for(people["verifier"]).post(
        permit_url(permit, "workflow/verify/"), {"action": "approve"}, format="json"
    )

    assert response.status_code == 403
    assert _state(permit) == before


@pytest.mark.parametrize("grade", GRADES)
def test_nobody_approves_a_permit_they_verified_even_when_assigned_to(grade, graded, walked, client_for):
    people = graded(grade)
    permit = walked(people, S.UNDER_REVIEW)
    permit.workflow.steps.filter(step_id=StepId.APPROVAL).update(assignee=people["verifier"])  # a stale assignment
    before = _state(permit)

    response = client_for(people["verifier"]).post(
        permit_url(permit, "workflow/approve/"), {"action": "approve"}, format="json"
    )

    assert response.status_code == 403
    assert _state(permit) == before


@pytest.mark.parametrize("grade", GRADES)
def test_nobody_verifies_their_own_permit_even_when_assigned_to(grade, graded, walked, client_for):
    people = graded(grade)
    permit = walked(people, S.SUBMITTED)
    permit.workflow.steps.filter(step_id=StepId.VERIFICATION).update(assignee=people["creator"])
    before = _state(permit)

    response = client_for(people["creator"]).post(
        permit_url(permit, "workflow/verify/"), {"action": "approve"}, format="json"
    )

    assert response.status_code == 403
    assert _state(permit) == before


def test_a_grade_a_admin_who_verifies_for_the_assignee_becomes_the_verifier_and_may_not_approve(
    graded, walked, grade_a_admin, client_for
):
    people = graded(Grade.C)
    permit = walked(people, S.SUBMITTED)
    now = timezone.now()

    workflow.verify_permit(permit=permit, by=grade_a_admin, approve=True, approver=people["approver"], now=now)
    permit.refresh_from_db()
    refused = client_for(grade_a_admin).post(
        permit_url(permit, "workflow/approve/"), {"action": "approve"}, format="json"
    )
    workflow.approve_permit(permit=permit, by=people["approver"], approve=True, now=now)

    assert permit.verifier == grade_a_admin
    assert refused.status_code == 403
    permit.refresh_from_db()
    assert (permit.status, permit.verifier, permit.approver) == (S.APPROVED, grade_a_admin, people["approver"])


def test_a_grade_a_admin_who_approves_for_the_assignee_becomes_the_approver(graded, walked, grade_a_admin):
    people = graded(Grade.C)
    permit = walked(people, S.UNDER_REVIEW)

    workflow.approve_permit(permit=permit, by=grade_a_admin, approve=True, now=timezone.now())

    permit.refresh_from_db()
    assert (permit.created_by, permit.verifier, permit.approver) == (
        people["creator"],
        people["verifier"],
        grade_a_admin,
    )


@pytest.mark.parametrize("creator_grade", GRADES)
def test_a_creator_of_any_grade_may_take_neither_step_through_the_services(creator_grade, graded, walked):
    people = graded(creator_grade)
    permit = walked(people, S.SUBMITTED)
    me = people["creator"]

    with pytest.raises(InvalidInput):
        workflow.assign_verifier(permit=permit, by=me, verifier=me, now=timezone.now())
    permit.workflow.steps.update(assignee=me)
    with pytest.raises(ActionNotAllowed):
        workflow.verify_permit(permit=permit, by=me, approve=True, now=timezone.now())


@pytest.mark.parametrize(
    ("status", "step", "who_may"),
    [
        # at verification, the approver is chosen by whoever verifies: never themselves
        (S.SUBMITTED, StepId.VERIFICATION, {"verifier", "approver", "other"}),
        (S.SUBMITTED, StepId.APPROVAL, {"approver", "other"}),
        (S.UNDER_REVIEW, StepId.APPROVAL, {"approver", "other"}),
    ],
)
def test_the_candidates_never_include_someone_playing_another_part(status, step, who_may, graded, walked, client_for):
    people = graded(Grade.A)
    permit = walked(people, status)
    chooser = people["verifier"]
    route = "verifier-candidates/" if step == StepId.VERIFICATION else "approver-candidates/"

    listed = {user["username"] for user in client_for(chooser).get(permit_url(permit, route)).data}
    may = {name for name, user in people.items() if may_take_step(user, permit, step=step, by=chooser)}

    assert listed == {f"g_{name}" for name in who_may}
    assert may == who_may
    assert {user.username for user in reviewer_candidates(permit, step=step, by=chooser)} == listed


def test_may_take_step_without_a_chooser_asks_for_the_person_themselves(graded, walked):
    people = graded(Grade.B)
    permit = walked(people, S.UNDER_REVIEW)

    assert may_take_step(people["other"], permit, step=StepId.APPROVAL)
    assert not may_take_step(people["verifier"], permit, step=StepId.APPROVAL)
    assert not may_take_step(people["creator"], permit, step=StepId.VERIFICATION)
