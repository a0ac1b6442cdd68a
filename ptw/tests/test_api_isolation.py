"""Isolation (lockout/tagout) over HTTP, and activation gated on verified isolation."""

import pytest

from ptw.models import PermitIsolationPoint, PermitStatus
from ptw.tests.conftest import API, permit_url
from ptw.tests.factories import IsolationPointFactory, ProjectFactory

S = PermitStatus


@pytest.fixture
def breaker(project):
    return IsolationPointFactory.create(project=project, code="CB-12", location="MCC-1")


@pytest.fixture
def valve(project):
    return IsolationPointFactory.create(project=project, code="V-7", point_type="valve", energy_type="hydraulic")


@pytest.fixture
def gated_permit(permit_in, gated_type):
    return permit_in(S.APPROVED, permit_type=gated_type)


def _assign(client, permit, point, required=True):
    response = client.post(
        permit_url(permit, "isolation/"), {"point_id": point.pk, "required": required}, format="json"
    )
    assert response.status_code == 201, response.data
    return response.data["id"]


def _step(client, permit, assignment_id, action, body=None):
    return client.post(permit_url(permit, f"isolation/{assignment_id}/{action}/"), body or {}, format="json")


def test_the_library_lists_active_points_of_my_projects_only(client_for, creator, breaker, valve, project):
    IsolationPointFactory.create(project=ProjectFactory.create(code="OTHER"), code="FOREIGN-1")
    IsolationPointFactory.create(project=project, code="OLD-1", is_active=False)
    client = client_for(creator)

    everything = client.get(f"{API}/isolation-points/").data["results"]
    filtered = client.get(f"{API}/isolation-points/?project={project.pk}").data["results"]

    assert [point["code"] for point in everything] == ["CB-12", "V-7"] == [point["code"] for point in filtered]
    assert everything[0]["energy_type"] == "electrical"


def test_activation_waits_until_every_required_point_is_verified(
    client_for, gated_permit, creator, verifier, breaker, valve
):
    as_creator, as_verifier = client_for(creator), client_for(verifier)
    cb = _assign(as_creator, gated_permit, breaker)
    _assign(as_creator, gated_permit, valve, required=False)

    refused = as_creator.post(permit_url(gated_permit, "workflow/activate/"), {}, format="json")
    assert refused.status_code == 409
    assert refused.data["missing"] == ["CB-12"] and "CB-12" in refused.data["detail"]
    assert refused.data["current_status"] == S.APPROVED

    isolated = _step(as_creator, gated_permit, cb, "isolate", {"lock_ids": ["L-1", "L-2"], "notes": "Tagged"})
    assert isolated.data["status"] == "isolated" and isolated.data["lock_count"] == 2
    assert isolated.data["isolated_by"]["id"] == creator.pk
    assert as_creator.post(permit_url(gated_permit, "workflow/activate/"), {}, format="json").status_code == 409

    verified = _step(as_verifier, gated_permit, cb, "verify")
    assert verified.status_code == 200 and verified.data["verified_by"]["id"] == verifier.pk

    activated = as_creator.post(permit_url(gated_permit, "workflow/activate/"), {}, format="json")
    assert activated.status_code == 200 and activated.data["status"] == S.ACTIVE


def test_the_permit_lists_its_points_with_their_stage(client_for, gated_permit, creator, breaker, valve):
    client = client_for(creator)
    _assign(client, gated_permit, valve, required=False)
    _assign(client, gated_permit, breaker)

    response = client.get(permit_url(gated_permit, "isolation/"))

    assert [(a["point"]["code"], a["required"], a["status"]) for a in response.data] == [
        ("CB-12", True, "assigned"),
        ("V-7", False, "assigned"),
    ]


def test_whoever_isolated_a_point_may_not_verify_it(client_for, gated_permit, creator, breaker):
    client = client_for(creator)
    cb = _assign(client, gated_permit, breaker)
    _step(client, gated_permit, cb, "isolate", {"lock_ids": ["L-1"]})

    response = _step(client, gated_permit, cb, "verify")

    assert response.status_code == 403
    assert PermitIsolationPoint.objects.get(pk=cb).status == "isolated"


def test_stages_go_in_order(client_for, gated_permit, creator, breaker):
    client = client_for(creator)
    cb = _assign(client, gated_permit, breaker)

    response = _step(client, gated_permit, cb, "deisolate")

    assert response.status_code == 409 and response.data["current_status"] == "assigned"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "lock_ids"),
        ({"lock_ids": []}, "lock_ids"),
        ({"lock_ids": "L-1"}, "lock_ids"),
        ({"lock_ids": ["L" * 51]}, "lock_ids"),
        ({"lock_ids": ["L-1"], "notes": "x" * 5001}, "notes"),
    ],
)
def test_isolating_needs_valid_lock_ids_and_writes_nothing_otherwise(
    body, field, client_for, gated_permit, creator, breaker
):
    client = client_for(creator)
    cb = _assign(client, gated_permit, breaker)

    response = _step(client, gated_permit, cb, "isolate", body)

    assert response.status_code == 400 and field in response.data
    assert PermitIsolationPoint.objects.get(pk=cb).status == "assigned"


@pytest.mark.parametrize("point", ["foreign", "unknown", "twice"])
def test_only_a_point_of_the_project_library_is_assigned_and_only_once(
    point, client_for, gated_permit, creator, breaker
):
    client = client_for(creator)
    _assign(client, gated_permit, breaker)
    point_id = {
        "foreign": lambda: IsolationPointFactory.create(project=ProjectFactory.create(code="OTHER")).pk,
        "unknown": lambda: 999_999,
        "twice": lambda: breaker.pk,
    }[point]()

    response = client.post(permit_url(gated_permit, "isolation/"), {"point_id": point_id}, format="json")

    assert response.status_code == 400 and "point_id" in response.data
    assert gated_permit.isolation_points.count() == 1


def test_no_isolation_changes_on_a_cancelled_permit(client_for, permit_in, creator, breaker):
    permit = permit_in(S.CANCELLED)

    response = client_for(creator).post(permit_url(permit, "isolation/"), {"point_id": breaker.pk}, format="json")

    assert response.status_code == 409
    assert not permit.isolation_points.exists()
