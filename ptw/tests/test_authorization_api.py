"""Every action × every kind of person, over the API and the policy (table in ptw/tests/authorization.py):
done (200, the permit changed), refused (403, nothing changed) or not found (404, nothing changed).
The page forms: web/tests/test_authorization_pages.py. Mutations these catch: docs/mutation.md."""

import pytest

from accounts.models import CompanyType, Grade, Membership
from ptw.actions import ACTIONS, allows
from ptw.policy import actor_for
from ptw.tests.authorization import CASES, S, cases, expected, make_people, permit_at, trail
from ptw.tests.conftest import permit_url
from ptw.tests.factories import ProjectFactory, UserFactory, member

STATUS_CODE = {"done": 200, "refused": 403, "not found": 404}


@pytest.fixture
def people(project):
    return make_people(project)


@pytest.mark.parametrize(("action", "person"), CASES)
def test_each_person_may_take_exactly_the_actions_the_table_gives_them_over_the_api(
    action, person, people, project, permit_type, client_for
):
    case = cases(people)[action]
    permit = permit_at(case.status, people, project, permit_type)
    before = trail(permit)
    client = client_for(people[person])

    if action == "edit":
        response = client.patch(permit_url(permit), case.api, format="json")
    else:
        response = client.post(permit_url(permit, f"workflow/{ACTIONS[action].route}/"), case.api, format="json")

    outcome = expected(action, person)
    assert response.status_code == STATUS_CODE[outcome], response.content
    assert (trail(permit) != before) == (outcome == "done")


@pytest.mark.parametrize(("action", "person"), CASES)
def test_the_policy_gives_each_person_exactly_the_actions_of_the_table(action, person, people, project, permit_type):
    permit = permit_at(cases(people)[action].status, people, project, permit_type)

    assert allows(actor_for(people[person], permit), permit, ACTIONS[action]) == (expected(action, person) == "done")


def test_a_choosers_company_type_is_the_one_they_have_in_the_permits_project(project, draft, client_for):
    """A client here who is EPC elsewhere (that membership first) still picks only client members here."""
    elsewhere = ProjectFactory.create(code="ELSEWHERE", name="Elsewhere plant")
    chooser = UserFactory.create(username="client_here")
    Membership.objects.create(user=chooser, project=elsewhere, company_type=CompanyType.EPC, grade=Grade.A)
    Membership.objects.create(user=chooser, project=project, company_type=CompanyType.CLIENT, grade=Grade.C)
    member(project, username="epc_here", company_type=CompanyType.EPC)
    member(project, username="client_reviewer", company_type=CompanyType.CLIENT)
    permit = draft(by=chooser)

    listed = client_for(chooser).get(permit_url(permit, "verifier-candidates/")).data

    assert [user["username"] for user in listed] == ["client_reviewer"]


@pytest.mark.parametrize(
    ("status", "route", "field"),
    [
        (S.SUBMITTED, "assign-verifier/", "verifier_id"),
        (S.UNDER_REVIEW, "assign-approver/", "approver_id"),
        (S.SUBMITTED, "verify/", "approver_id"),
    ],
)
@pytest.mark.parametrize("where", ["another project", "left this project"])
def test_a_refused_choice_never_names_someone_the_caller_cannot_see(
    status, route, field, where, people, project, permit_type, client_for
):
    stranger = UserFactory.create(username="zz_stranger", first_name="Zebulon", last_name="Quartermaine")
    site = ProjectFactory.create(code="FAR", name="Far site") if where == "another project" else project
    Membership.objects.create(
        user=stranger, project=site, company_type=CompanyType.CLIENT, is_active=where == "another project"
    )
    permit = permit_at(status, people, project, permit_type)
    chooser = people["verifier"] if route == "verify/" else people["grade_a_admin"]
    body = {field: stranger.pk, **({"action": "approve"} if route == "verify/" else {})}

    response = client_for(chooser).post(permit_url(permit, f"workflow/{route}"), body, format="json")

    assert response.status_code == 400
    text = str(response.data)
    assert list(response.data) == [field]
    assert "zz_stranger" not in text and "Zebulon" not in text and "Quartermaine" not in text
    assert response.data[field] == [
        f"Not an eligible {field.removesuffix('_id')} for this permit: choose an EPC or client member of its "
        "project (a client picks client members)."
    ]
