"""Permits over HTTP: create, list with filters, read, edit while draft; bad input writes nothing."""

from datetime import datetime, timedelta

import pytest

from accounts.models import CompanyType, Grade
from ptw.models import Permit, PermitEvent, PermitStatus
from ptw.tests.conftest import API, permit_url
from ptw.tests.factories import PermitFactory, PermitTypeFactory, ProjectFactory, UserFactory, member

S = PermitStatus


@pytest.fixture
def body(project, permit_type, start_time):
    return {
        "project": project.pk,
        "permit_type": permit_type.pk,
        "title": "Replace valve V-101",
        "description": "Swap the leaking valve.",
        "location": "Unit 3",
        "planned_start_time": start_time.isoformat(),
        "planned_end_time": (start_time + timedelta(hours=8)).isoformat(),
    }


def test_creating_a_permit_returns_it_numbered_as_a_draft_with_its_audit_event(client_for, creator, body, project):
    response = client_for(creator).post(f"{API}/permits/", body, format="json")

    assert response.status_code == 201
    data = response.data
    permit = Permit.objects.get(pk=data["id"])
    assert data["permit_number"] == permit.permit_number == f"PTW-{permit.created_at:%Y}-{permit.pk:06d}"
    assert data["status"] == S.DRAFT
    assert data["project"] == {"id": project.pk, "code": "ALPHA", "name": "Alpha refinery", "time_zone": "UTC"}
    assert data["permit_type"]["name"] == "Cold work" and data["permit_type"]["category"] == "cold_work"
    assert data["created_by"] == {"id": creator.pk, "username": "creator", "display_name": creator.display_name}
    assert data["verifier"] is None and data["approver"] is None
    assert {"submitted_at", "verified_at", "approved_at", "completed_at", "cancelled_at"} <= set(data)
    assert list(PermitEvent.objects.filter(permit=permit).values_list("action", flat=True)) == ["created"]


def _later(body, hours):
    return (datetime.fromisoformat(body["planned_start_time"]) + timedelta(hours=hours)).isoformat()


BAD_INPUT = [
    ("missing title", {"title": None}, "title"),
    ("blank title", {"title": ""}, "title"),
    ("missing location", {"location": None}, "location"),
    ("missing start", {"planned_start_time": None}, "planned_start_time"),
    ("end before start", {"planned_end_time": lambda body: _later(body, -1)}, "planned_end_time"),
    ("end equal to start", {"planned_end_time": lambda body: body["planned_start_time"]}, "planned_end_time"),
    ("unknown type", {"permit_type": 999_999}, "permit_type"),
    (
        "inactive type",
        {"permit_type": lambda body: PermitTypeFactory.create(name="Old", is_active=False).pk},
        "permit_type",
    ),
    ("type as text", {"permit_type": "hot work"}, "permit_type"),
    ("start not a date", {"planned_start_time": "tomorrow morning"}, "planned_start_time"),
    ("title as a list", {"title": ["a", "b"]}, "title"),
    ("title over 200", {"title": "x" * 201}, "title"),
    ("location over 200", {"location": "x" * 201}, "location"),
    ("description over 5000", {"description": "x" * 5001}, "description"),
    ("unknown project", {"project": 999_999}, "project"),
    ("a project I am not in", {"project": lambda body: ProjectFactory.create(code="ELSEWHERE").pk}, "project"),
    ("a field that is not settable", {"status": "approved"}, "status"),
]


@pytest.mark.parametrize(("change", "field"), [case[1:] for case in BAD_INPUT], ids=[case[0] for case in BAD_INPUT])
def test_bad_input_on_create_is_a_400_naming_the_field_and_writes_nothing(change, field, client_for, creator, body):
    for key, value in change.items():
        if value is None:
            body.pop(key)
        else:
            body[key] = value(body) if callable(value) else value

    response = client_for(creator).post(f"{API}/permits/", body, format="json")

    assert response.status_code == 400
    assert field in response.data and response.data[field][0]
    assert not Permit.objects.exists() and not PermitEvent.objects.exists()


def test_the_creator_edits_a_draft(client_for, draft, creator, start_time):
    permit = draft()

    response = client_for(creator).patch(
        permit_url(permit),
        {
            "title": "Replace valve V-102",
            "planned_end_time": (start_time + timedelta(hours=4)).isoformat(),
        },
        format="json",
    )

    assert response.status_code == 200
    assert response.data["title"] == "Replace valve V-102"
    permit.refresh_from_db()
    assert permit.planned_end_time == start_time + timedelta(hours=4)
    assert permit.events.filter(action="edited").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "x" * 201}, "title"),
        ({"planned_end_time": "2000-01-01T00:00:00Z"}, "planned_end_time"),
        ({"project": 1}, "project"),
        ({"permit_type": 999_999}, "permit_type"),
    ],
)
def test_bad_edits_are_a_400_and_change_nothing(change, field, client_for, draft, creator):
    permit = draft()
    before = Permit.objects.filter(pk=permit.pk).values().get()

    response = client_for(creator).patch(permit_url(permit), change, format="json")

    assert response.status_code == 400 and field in response.data
    assert Permit.objects.filter(pk=permit.pk).values().get() == before


def test_a_submitted_permit_can_no_longer_be_edited(client_for, permit_in, creator):
    permit = permit_in(S.SUBMITTED)

    response = client_for(creator).patch(permit_url(permit), {"title": "Too late"}, format="json")

    assert response.status_code == 409
    assert response.data["current_status"] == S.SUBMITTED
    assert Permit.objects.get(pk=permit.pk).title == "Replace valve V-101"


def test_the_detail_shows_the_permit_and_my_available_actions(client_for, draft, creator):
    permit = draft()

    response = client_for(creator).get(permit_url(permit))

    assert response.status_code == 200
    assert response.data["id"] == permit.pk and response.data["permit_number"] == permit.permit_number
    assert response.data["available_actions"] == ["edit", "initiate", "cancel", "isolation"]


def test_the_list_holds_only_permits_of_my_projects_newest_first(client_for, draft, creator, outsider):
    first, second = draft(title="First"), draft(title="Second")
    PermitFactory.create(project=ProjectFactory.create(code="OTHER"), created_by=outsider)

    response = client_for(creator).get(f"{API}/permits/")

    assert response.status_code == 200
    assert response.data["count"] == 2
    assert [permit["id"] for permit in response.data["results"]] == [second.pk, first.pk]
    assert "available_actions" not in response.data["results"][0]


def test_the_list_filters_by_status_type_project_and_mine(
    client_for, permit_in, draft, project, creator, verifier, approver, permit_type
):
    other_type = PermitTypeFactory.create(name="Hot work", category="hot_work")
    colleague = member(project, username="colleague", company_type=CompanyType.CONTRACTOR)
    submitted = permit_in(S.SUBMITTED)
    hot = draft(permit_type=other_type, by=colleague)
    plain = draft(by=colleague)
    client = client_for(verifier)

    def ids(query):
        response = client.get(f"{API}/permits/?{query}")
        assert response.status_code == 200, response.data
        return {permit["id"] for permit in response.data["results"]}

    assert ids("status=submitted") == {submitted.pk}
    assert ids(f"permit_type={other_type.pk}") == {hot.pk}
    assert ids(f"project={project.pk}") == {submitted.pk, hot.pk, plain.pk}
    assert ids("mine=true") == {submitted.pk}  # the verifier's
    assert ids("mine=false") == {submitted.pk, hot.pk, plain.pk}
    assert ids(f"mine=true&status=draft&permit_type={permit_type.pk}") == set()
    client = client_for(colleague)
    assert ids("mine=true") == {hot.pk, plain.pk}


@pytest.mark.parametrize("query", ["status=waiting", "permit_type=cold", "project=-1", "mine=perhaps"])
def test_a_bad_filter_is_a_400_naming_it(query, client_for, creator):
    response = client_for(creator).get(f"{API}/permits/?{query}")

    assert response.status_code == 400
    assert query.split("=")[0] in response.data


def test_listing_fifty_permits_costs_a_bounded_number_of_queries(
    client_for, project, creator, django_assert_max_num_queries
):
    for _ in range(50):
        # every permit with its own type, people and numbers, so nothing is shared by accident
        PermitFactory.create(
            project=project,
            permit_type=PermitTypeFactory.create(),
            created_by=UserFactory.create(),
            verifier=UserFactory.create(),
            approver=UserFactory.create(),
        )
    client = client_for(creator)

    with django_assert_max_num_queries(4):  # count, page (+ session/savepoint noise)
        response = client.get(f"{API}/permits/?limit=50")

    assert response.status_code == 200 and len(response.data["results"]) == 50


def test_permit_types_lists_the_active_ones(client_for, creator, permit_type):
    PermitTypeFactory.create(name="Retired type", is_active=False)

    response = client_for(creator).get(f"{API}/permit-types/")

    assert [item["name"] for item in response.data["results"]] == ["Cold work"]
    assert set(response.data["results"][0]) >= {
        "id",
        "name",
        "category",
        "risk_level",
        "requires_structured_isolation",
        "requires_closeout",
    }


def test_projects_lists_mine_with_my_grade_and_company_type(client_for, project, outsider):
    site_b = ProjectFactory.create(code="BETA", name="Beta plant", time_zone="Europe/Oslo")
    user = member(project, username="dual", company_type=CompanyType.EPC, grade=Grade.B, roles=("manager",))
    member_of_b = member(site_b, username="dual", company_type=CompanyType.CLIENT, grade=Grade.C)
    assert member_of_b == user

    response = client_for(user).get(f"{API}/projects/")

    assert [
        (p["code"], p["company_type"], p["grade"], p["is_admin"], p["roles"], p["time_zone"])
        for p in response.data["results"]
    ] == [
        ("ALPHA", "epc", "B", True, ["manager"], "UTC"),
        ("BETA", "client", "C", False, [], "Europe/Oslo"),
    ]


@pytest.mark.parametrize("name", ["status", "permit_type", "project"])
def test_an_empty_filter_is_a_400_naming_it(client_for, creator, name):
    response = client_for(creator).get(f"{API}/permits/?{name}=")
    assert response.status_code == 400 and response.json() == {name: ["This filter may not be empty."]}
