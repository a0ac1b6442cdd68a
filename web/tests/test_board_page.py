"""The board page: one of my projects, counts linking to the list, live part, bounded queries."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import CompanyType
from ptw.models import PermitStatus
from ptw.tests.factories import MembershipFactory, PermitFactory, ProjectFactory
from ptw.workflow import initiate_workflow

from .conftest import login

pytestmark = pytest.mark.django_db


def count(html: str, key: str) -> int:
    found = re.search(rf'data-count="{key}"><span class="count-n">(\d+)</span>', html)
    assert found, f"no count {key} on the page"
    return int(found.group(1))


def test_the_board_shows_counts_that_link_to_the_matching_list(client, creator, submitted, project, permit_type):
    now = timezone.now()
    ending = PermitFactory(
        project=project,
        permit_type=permit_type,
        created_by=creator,
        status=PermitStatus.ACTIVE,
        planned_start_time=now - timedelta(hours=7),
        planned_end_time=now + timedelta(minutes=30),
        title="Hot tap on CW-2",
    )
    html = login(client, creator).get("/dashboard/board/").content.decode()

    assert count(html, "active") == 1 and count(html, "ending_soon") == 1
    assert count(html, "awaiting_verification") == 1 and count(html, "steps_overdue") == 0
    assert f'href="/dashboard/ptw/?project={project.pk}&amp;attention=ending_soon"' in html
    linked = client.get(f"/dashboard/ptw/?project={project.pk}&attention=ending_soon")
    assert [permit.pk for permit in linked.context["page"]] == [ending.pk]
    assert "Hot tap on CW-2" in html and "min left" in html  # the active permit with its countdown
    assert "Who is blocking" in html and submitted.permit_number in html  # the verifier holds its verification


def test_an_overdue_step_shows_who_is_blocking_and_for_how_long(client, creator, verifier, make_permit):
    permit = make_permit(title="Weld repair")
    initiate_workflow(permit=permit, by=creator, now=timezone.now() - timedelta(hours=5))
    html = login(client, creator).get("/dashboard/board/").content.decode()
    assert count(html, "steps_overdue") == 1
    assert verifier.display_name in html and "waiting 5 h 00 min" in html and "of 4 h limit" in html


def test_a_member_of_several_projects_switches_between_them(client, creator, draft, permit_type):
    second = ProjectFactory(code="BETA", name="Beta terminal", time_zone="Asia/Kolkata")
    MembershipFactory(user=creator, project=second, company_type=CompanyType.CONTRACTOR)
    PermitFactory(project=second, permit_type=permit_type, created_by=creator, status=PermitStatus.ACTIVE)
    login(client, creator)
    first = client.get("/dashboard/board/").content.decode()
    assert 'id="project-switcher"' in first and count(first, "active") == 0
    beta = client.get(f"/dashboard/board/?project={second.pk}").content.decode()
    assert count(beta, "active") == 1 and "times in Asia/Kolkata" in beta


def test_another_project_or_a_malformed_one_is_not_found(client, creator, outsider):
    login(client, creator)
    other = outsider.projects.get()
    assert client.get(f"/dashboard/board/?project={other.pk}").status_code == 404
    assert client.get("/dashboard/board/?project=abc").status_code == 404


def test_a_user_without_a_project_gets_a_sentence(client, django_user_model):
    user = django_user_model.objects.create_user("loner", password="x")
    response = login(client, user).get("/dashboard/board/")
    assert response.status_code == 200 and "not a member of any project" in response.content.decode()


def test_the_live_part_is_the_counts_and_lists_only(client, creator, submitted):
    html = login(client, creator).get("/dashboard/board/?part=live").content.decode()
    assert 'data-count="awaiting_verification"' in html and "Who is blocking" in html
    assert "<html" not in html and "Time to verify" not in html


def test_the_board_has_no_inline_script_or_style(client, creator, submitted):
    html = login(client, creator).get("/dashboard/board/").content.decode()
    assert "<script>" not in html and " style=" not in html and "onclick" not in html
    assert re.findall(r"<script[^>]*>", html) == [
        '<script src="/static/web/bell.js" defer>',
        '<script src="/static/web/forms.js" defer>',
        '<script src="/static/web/board.js" defer>',
    ]


def test_the_board_reads_in_a_fixed_number_of_queries(
    client, creator, project, permit_type, make_permit, django_assert_max_num_queries
):
    login(client, creator)
    now = timezone.now()
    initiate_workflow(permit=make_permit(title="First"), by=creator, now=now - timedelta(hours=1))
    with django_assert_max_num_queries(30) as few:
        client.get("/dashboard/board/")
    for index in range(10):
        initiate_workflow(permit=make_permit(title=f"Job {index}"), by=creator, now=now - timedelta(hours=index))
        PermitFactory(
            project=project,
            permit_type=permit_type,
            created_by=creator,
            status=PermitStatus.ACTIVE,
            planned_start_time=now,
            planned_end_time=now + timedelta(hours=index + 1),
        )
    with django_assert_max_num_queries(len(few)):
        client.get("/dashboard/board/")
