"""The permit list: only the user's projects, filters, my tasks first, pages, bounded queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ptw.tests.factories import PermitFactory, PermitTypeFactory
from ptw.workflow import initiate_workflow

from .conftest import login

pytestmark = pytest.mark.django_db


def numbers(response) -> list[str]:
    return [permit.permit_number for permit in response.context["page"]]


def test_it_lists_the_permits_of_my_projects_only(client, creator, draft, other_project_permit):
    response = login(client, creator).get("/dashboard/ptw/")
    assert response.status_code == 200
    assert numbers(response) == [draft.permit_number]
    assert draft.get_absolute_url().encode() in response.content


def test_it_filters_by_status_and_type(client, creator, project, permit_type, make_permit):
    draft = make_permit(title="Draft one")
    submitted = make_permit(title="Submitted one")
    initiate_workflow(permit=submitted, by=creator, now=timezone.now())
    other_type = PermitTypeFactory.create(name="Hot work")
    hot = make_permit(title="Hot one", permit_type=other_type)
    login(client, creator)
    assert numbers(client.get("/dashboard/ptw/?status=submitted")) == [submitted.permit_number]
    assert numbers(client.get(f"/dashboard/ptw/?permit_type={other_type.pk}")) == [hot.permit_number]
    assert set(numbers(client.get(f"/dashboard/ptw/?status=draft&permit_type={permit_type.pk}"))) == {
        draft.permit_number
    }


def test_an_unknown_filter_value_is_ignored_with_a_message(client, creator, draft):
    response = login(client, creator).get("/dashboard/ptw/?status=bogus")
    assert numbers(response) == [draft.permit_number]
    assert "Select a valid choice" in response.content.decode()


def test_my_tasks_come_first(client, verifier, creator, submitted, make_permit):
    newer = make_permit(title="Newer, not mine to act on")
    response = login(client, verifier).get("/dashboard/ptw/")
    assert numbers(response) == [submitted.permit_number, newer.permit_number]
    assert "Your task" in response.content.decode()


def test_it_pages_by_25(client, creator, project, permit_type):
    start = timezone.now() + timedelta(hours=1)
    PermitFactory.create_batch(
        30, project=project, permit_type=permit_type, created_by=creator, planned_start_time=start
    )
    login(client, creator)
    assert len(numbers(client.get("/dashboard/ptw/"))) == 25
    second = client.get("/dashboard/ptw/?page=2")
    assert len(numbers(second)) == 5
    assert "Page 2 of 2" in second.content.decode()


def test_the_number_of_queries_does_not_grow_with_the_permits(
    client, creator, project, permit_type, django_assert_max_num_queries
):
    PermitFactory.create_batch(25, project=project, permit_type=permit_type, created_by=creator)
    login(client, creator)
    with django_assert_max_num_queries(12):
        client.get("/dashboard/ptw/")
