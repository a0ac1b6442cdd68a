"""Board API: the figures of the board page, for one of my projects; 400 without one, 404 for another's."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ptw.models import PermitStatus
from ptw.tests.factories import PermitFactory
from ptw.workflow import initiate_workflow

pytestmark = pytest.mark.django_db
BOARD = "/api/v1/ptw/board"
ENDPOINTS = ["counts", "active-permits", "blocking", "step-times", "trend"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_each_endpoint_needs_a_project_of_mine(api_client, client_for, creator, outsider, endpoint):
    assert api_client.get(f"{BOARD}/{endpoint}/?project=1").status_code in (401, 403)
    client = client_for(creator)
    assert client.get(f"{BOARD}/{endpoint}/").json() == {"project": ["This field is required."]}
    assert client.get(f"{BOARD}/{endpoint}/?project=abc").status_code == 400
    other = outsider.projects.get()
    assert client.get(f"{BOARD}/{endpoint}/?project={other.pk}").status_code == 404


def test_counts_match_the_board(client_for, creator, verifier, project, draft, permit_type):
    permit = draft()
    initiate_workflow(permit=permit, by=creator, now=timezone.now() - timedelta(hours=5))
    now = timezone.now()
    PermitFactory(
        project=project,
        permit_type=permit_type,
        created_by=creator,
        status=PermitStatus.SUSPENDED,
        planned_start_time=now - timedelta(hours=1),
        planned_end_time=now + timedelta(minutes=20),
    )
    body = client_for(creator).get(f"{BOARD}/counts/?project={project.pk}").json()
    assert {key: value for key, value in body.items() if key != "generated_at"} == {
        "project": project.pk,
        "active": 0,
        "ending_soon": 1,
        "suspended": 1,
        "awaiting_verification": 1,
        "awaiting_approval": 0,
        "steps_overdue": 1,
        "escalated_today": 0,
    }


def test_blocking_and_trend_bodies(client_for, creator, verifier, project, draft):
    permit = draft()
    initiate_workflow(permit=permit, by=creator, now=timezone.now() - timedelta(hours=5))
    client = client_for(creator)
    blocking = client.get(f"{BOARD}/blocking/?project={project.pk}").json()["results"]
    assert blocking[0]["assignee"]["username"] == verifier.username
    step = blocking[0]["steps"][0]
    assert (step["step"], step["overdue"], step["limit_hours"]) == ("verification", True, 4.0)
    assert step["permit"]["permit_number"] == permit.permit_number and 4.99 <= step["waited_hours"] <= 5.01
    trend = client.get(f"{BOARD}/trend/?project={project.pk}").json()
    assert len(trend["results"]) == 30 and trend["window"]["time_zone"] == "UTC"
    assert trend["results"][-1] == {"date": trend["window"]["last_day"], "overdue": 1, "escalated": 0}
    times = client.get(f"{BOARD}/step-times/?project={project.pk}").json()
    assert times["results"] == []
