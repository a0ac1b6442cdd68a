"""The permit list: the user's projects only, filters in the URL, search, sort, markers, pages, bounded queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import CompanyType
from ptw.models import PermitStatus, WorkflowStep
from ptw.tests.factories import (
    EscalationRuleFactory,
    MembershipFactory,
    PermitFactory,
    PermitTypeFactory,
    ProjectFactory,
)
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
    response = login(client, creator).get("/dashboard/ptw/?status=bogus&sort=nonsense&page=abc")
    assert numbers(response) == [draft.permit_number]
    assert "Select a valid choice" in response.content.decode()


def test_it_searches_number_title_and_location(client, creator, make_permit):
    pump = make_permit(title="Replace pump seal", location="Unit 3")
    tank = make_permit(title="Inspect roof", location="Tank farm T-7")
    login(client, creator)
    assert numbers(client.get("/dashboard/ptw/?q=PUMP")) == [pump.permit_number]
    assert numbers(client.get("/dashboard/ptw/?q=t-7")) == [tank.permit_number]
    assert numbers(client.get(f"/dashboard/ptw/?q={tank.permit_number[-4:]}")) == [tank.permit_number]
    assert numbers(client.get("/dashboard/ptw/?q=nothing-like-this")) == []


def test_columns_sort_both_ways_and_the_header_says_which(client, creator, make_permit):
    start = timezone.now() + timedelta(hours=1)
    late = make_permit(title="B late", planned_start_time=start, planned_end_time=start + timedelta(hours=9))
    early = make_permit(title="A early", planned_start_time=start, planned_end_time=start + timedelta(hours=2))
    login(client, creator)
    assert numbers(client.get("/dashboard/ptw/?sort=end")) == [early.permit_number, late.permit_number]
    response = client.get("/dashboard/ptw/?sort=-end")
    assert numbers(response) == [late.permit_number, early.permit_number]
    html = response.content.decode()
    assert 'aria-sort="descending"><a class="sort" href="?sort=end"' in html
    assert numbers(client.get("/dashboard/ptw/?sort=title")) == [early.permit_number, late.permit_number]
    assert numbers(client.get("/dashboard/ptw/")) == [early.permit_number, late.permit_number]  # newest first


def test_sort_links_keep_the_filters_and_drop_the_page(client, creator, draft):
    html = login(client, creator).get("/dashboard/ptw/?status=draft&q=pump&page=1").content.decode()
    assert 'href="?status=draft&amp;q=pump&amp;sort=number"' in html


def test_it_marks_an_overdue_step_and_a_permit_ending_within_the_hour(
    client, creator, verifier, project, permit_type, make_permit
):
    EscalationRuleFactory(permit_type=permit_type, step_name="verification", time_limit_hours=2)
    late = make_permit(title="Late one")
    initiate_workflow(permit=late, by=creator, now=timezone.now() - timedelta(hours=3))
    now = timezone.now()
    ending = PermitFactory(
        project=project,
        permit_type=permit_type,
        created_by=creator,
        status=PermitStatus.ACTIVE,
        planned_start_time=now - timedelta(hours=7),
        planned_end_time=now + timedelta(minutes=40),
    )
    login(client, creator)
    html = client.get("/dashboard/ptw/").content.decode()
    assert "Verification overdue" in html
    assert "Ends in 39 min" in html or "Ends in 40 min" in html
    assert numbers(client.get("/dashboard/ptw/?attention=overdue")) == [late.permit_number]
    assert numbers(client.get("/dashboard/ptw/?attention=ending_soon")) == [ending.permit_number]


def test_waiting_for_me_links_to_my_tasks(client, verifier, creator, submitted, make_permit):
    make_permit(title="Newer, not mine to act on")
    response = login(client, verifier).get("/dashboard/ptw/")
    html = response.content.decode()
    assert "1 waiting for you" in html and "Your task" in html
    assert numbers(client.get("/dashboard/ptw/?attention=my_tasks")) == [submitted.permit_number]


def test_a_member_of_two_projects_picks_one_or_sees_both(client, creator, draft, project, permit_type):
    second = ProjectFactory(code="BETA", name="Beta terminal", time_zone="Asia/Kolkata")
    MembershipFactory(user=creator, project=second, company_type=CompanyType.CONTRACTOR)
    other = PermitFactory(project=second, permit_type=permit_type, created_by=creator)
    login(client, creator)
    assert set(numbers(client.get("/dashboard/ptw/"))) == {draft.permit_number, other.permit_number}
    assert numbers(client.get(f"/dashboard/ptw/?project={second.pk}")) == [other.permit_number]


def test_it_pages_by_25(client, creator, project, permit_type):
    start = timezone.now() + timedelta(hours=1)
    PermitFactory.create_batch(
        30, project=project, permit_type=permit_type, created_by=creator, planned_start_time=start
    )
    login(client, creator)
    first = client.get("/dashboard/ptw/")
    assert len(numbers(first)) == 25 and "1–25 of 30 permits" in first.content.decode()
    second = client.get("/dashboard/ptw/?page=2")
    assert len(numbers(second)) == 5
    assert "Page 2 of 2" in second.content.decode()
    assert numbers(client.get("/dashboard/ptw/?page=99")) == numbers(second)  # past the end: the last page


def test_past_the_count_cap_it_says_more_than_and_still_pages(client, creator, project, permit_type, monkeypatch):
    """The total is counted up to COUNT_CAP only (a bounded cost); past it, pages go on by "Next"."""
    monkeypatch.setattr("ptw.board.listing.COUNT_CAP", 30)
    PermitFactory.create_batch(56, project=project, permit_type=permit_type, created_by=creator)
    login(client, creator)
    first = client.get("/dashboard/ptw/").content.decode()
    assert "1–25 of more than 30 permits" in first
    third = client.get("/dashboard/ptw/?page=3")
    assert len(numbers(third)) == 6
    assert 'rel="next"' not in third.content.decode() and "Page 3<" in third.content.decode()


def test_the_number_of_queries_does_not_grow_with_the_permits(
    client, creator, project, permit_type, django_assert_max_num_queries
):
    login(client, creator)
    PermitFactory.create_batch(3, project=project, permit_type=permit_type, created_by=creator)
    with django_assert_max_num_queries(15) as few:
        client.get("/dashboard/ptw/")
    PermitFactory.create_batch(25, project=project, permit_type=permit_type, created_by=creator)
    with django_assert_max_num_queries(len(few)):
        client.get("/dashboard/ptw/?sort=end")


def test_steps_of_listed_permits_are_read_once(client, creator, make_permit, django_assert_max_num_queries):
    for index in range(5):
        initiate_workflow(permit=make_permit(title=f"Job {index}"), by=creator, now=timezone.now())
    assert WorkflowStep.objects.count() == 5
    login(client, creator)
    with django_assert_max_num_queries(15):
        client.get("/dashboard/ptw/")
