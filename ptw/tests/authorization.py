"""The authorization table shared by the API and page tests (test_authorization_api.py,
web/tests/test_authorization_pages.py): who may take each action, written out by hand — not
derived from ptw/actions.py, so that a change to the declarations or the policy shows up here.

The people, all created in the order that makes a broken lookup pick the wrong row: the
memberships in another project come first, so a membership lookup that forgets the project
(or the active flag) finds them.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from accounts.models import CompanyType, Grade, Membership, Project, User
from ptw import workflow
from ptw.models import Permit, PermitEvent, PermitStatus, PermitType
from ptw.permits import create_permit
from ptw.tests.factories import ProjectFactory, UserFactory

S = PermitStatus

# name: (company type, grade, in the permit's project: "active" / "inactive" / None, elsewhere: grade or None)
PEOPLE: dict[str, tuple[str, str, str | None, str | None]] = {
    "creator": (CompanyType.CONTRACTOR, Grade.C, "active", None),
    "verifier": (CompanyType.EPC, Grade.C, "active", None),  # the verification step's assignee
    "approver": (CompanyType.CLIENT, Grade.C, "active", None),  # the approval step's assignee
    "grade_a_admin": (CompanyType.CLIENT, Grade.A, "active", None),
    "grade_b_admin": (CompanyType.EPC, Grade.B, "active", None),
    "member": (CompanyType.CONTRACTOR, Grade.C, "active", None),  # plain member, no part in the permit
    # assigned to the same step of another permit of the project (created after this one)
    "other_assignee": (CompanyType.EPC, Grade.C, "active", None),
    "outsider": (CompanyType.EPC, Grade.A, None, Grade.A),  # a Grade A admin of another project only
    "left": (CompanyType.CLIENT, Grade.A, "inactive", None),  # was a Grade A admin here, left
    "several": (CompanyType.EPC, Grade.C, "active", Grade.A),  # Grade C here, Grade A in another project
    "left_several": (CompanyType.EPC, Grade.A, "inactive", Grade.A),  # left here, Grade A elsewhere
}
NOT_FOUND = {"outsider", "left", "left_several"}  # cannot even see the permit: 404


@dataclass(frozen=True)
class Case:
    status: PermitStatus  # the permit is walked there first
    api: dict  # the API body
    page: dict  # the page form's data (without the prefix)


# Who may take each action, by hand (see the module's docstring).
ALLOWED: dict[str, set[str]] = {
    "edit": {"creator"},
    "initiate": {"creator", "grade_a_admin"},
    "assign_verifier": {"creator", "grade_a_admin"},
    "verify": {"verifier", "grade_a_admin"},
    "assign_approver": {"creator", "verifier", "grade_a_admin"},
    "approve": {"approver", "grade_a_admin"},
    "activate": {"creator", "approver", "grade_a_admin"},
    "complete": {"creator", "approver", "grade_a_admin"},
    "suspend": {"creator", "verifier", "approver", "grade_a_admin", "grade_b_admin"},
    "resume": {"approver", "grade_a_admin", "grade_b_admin"},
    "cancel": {"creator", "grade_a_admin", "grade_b_admin"},
    "resubmit": {"creator", "grade_a_admin"},
}


def cases(people: dict[str, User]) -> dict[str, Case]:
    """Each action with the status it needs and a valid input (the chosen reviewers play no other part)."""
    verifier_pick = {"verifier_id": people["grade_b_admin"].pk}
    approver_pick = {"approver_id": people["approver"].pk}
    return {
        "edit": Case(S.DRAFT, {"title": "Renamed"}, {"title": "Renamed"}),
        "initiate": Case(S.DRAFT, {}, {}),
        "assign_verifier": Case(S.SUBMITTED, verifier_pick, {"verifier": verifier_pick["verifier_id"]}),
        "verify": Case(S.SUBMITTED, {"action": "approve"}, {"decision": "approve"}),
        "assign_approver": Case(S.UNDER_REVIEW, approver_pick, {"approver": approver_pick["approver_id"]}),
        "approve": Case(S.UNDER_REVIEW, {"action": "approve"}, {"decision": "approve"}),
        "activate": Case(S.APPROVED, {}, {}),
        "complete": Case(S.ACTIVE, {}, {}),
        "suspend": Case(S.ACTIVE, {"comment": "Gas alarm"}, {"comment": "Gas alarm"}),
        "resume": Case(S.SUSPENDED, {}, {}),
        "cancel": Case(S.SUBMITTED, {}, {}),
        "resubmit": Case(S.REJECTED, {}, {}),
    }


def expected(action: str, person: str) -> str:
    """ "done", "refused" (403, nothing changes) or "not found" (404)."""
    if person in NOT_FOUND:
        return "not found"
    return "done" if person in ALLOWED[action] else "refused"


def make_people(project: Project) -> dict[str, User]:
    elsewhere = ProjectFactory.create(code="ELSEWHERE", name="Elsewhere plant")
    people = {}
    for name, (company_type, grade, here, other_grade) in PEOPLE.items():
        user = UserFactory.create(username=name)
        if other_grade is not None:  # first, so a lookup forgetting the project finds this one
            Membership.objects.create(user=user, project=elsewhere, company_type=company_type, grade=other_grade)
        if here is not None:
            Membership.objects.create(
                user=user, project=project, company_type=company_type, grade=grade, is_active=here == "active"
            )
        people[name] = user
    return people


def permit_at(status: PermitStatus, people: dict[str, User], project: Project, permit_type: PermitType) -> Permit:
    """A permit of people["creator"] walked to `status` by its people; then another permit with
    "other_assignee" on the same pending step, so a pending-step lookup that forgets the permit finds theirs."""
    permit = _walk(status, people, project, permit_type, verifier="verifier", approver="approver")
    if status in (S.SUBMITTED, S.UNDER_REVIEW):
        later = {"verifier": "other_assignee"} if status == S.SUBMITTED else {"approver": "other_assignee"}
        _walk(status, people, project, permit_type, **{"verifier": "verifier", "approver": "approver", **later})
    permit.refresh_from_db()
    return permit


def _walk(status, people, project, permit_type, *, verifier: str, approver: str) -> Permit:
    creator, now = people["creator"], timezone.now()
    start = now + timedelta(hours=1)
    permit = create_permit(
        by=creator,
        project=project,
        permit_type=permit_type,
        title="Replace valve V-101",
        location="Unit 3",
        planned_start_time=start,
        planned_end_time=start + timedelta(hours=8),
        now=now,
    )
    if status == S.DRAFT:
        return permit
    workflow.initiate_workflow(permit=permit, by=creator, now=now)
    workflow.assign_verifier(permit=permit, by=creator, verifier=people[verifier], now=now)
    if status == S.SUBMITTED:
        return permit
    if status == S.REJECTED:
        workflow.verify_permit(permit=permit, by=people[verifier], approve=False, comments="No gas test", now=now)
        return permit
    workflow.verify_permit(permit=permit, by=people[verifier], approve=True, approver=people[approver], now=now)
    if status == S.UNDER_REVIEW:
        return permit
    workflow.approve_permit(permit=permit, by=people[approver], approve=True, now=now)
    if status == S.APPROVED:
        return permit
    workflow.activate_permit(permit=permit, by=creator, now=now)
    if status == S.SUSPENDED:
        workflow.suspend_permit(permit=permit, by=creator, comment="Gas alarm", now=now)
    return permit


def trail(permit: Permit) -> tuple:
    """The permit's row and its audit events: what an action changes."""
    return Permit.objects.filter(pk=permit.pk).values().get(), PermitEvent.objects.filter(permit=permit).count()


CASES = [(action, person) for action in ALLOWED for person in PEOPLE]
