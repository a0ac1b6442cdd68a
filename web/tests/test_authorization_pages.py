"""Every action × every kind of person, through the permit page's forms (table in ptw/tests/authorization.py):
done (redirect, the permit changed), refused (redirect with the refusal, nothing changed) or not found (404)."""

import pytest
from django.utils import timezone

from ptw.tests.authorization import CASES, cases, expected, make_people, permit_at, trail

from .conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(project):
    return make_people(project)


def _edit_form(permit, title: str) -> dict:
    local = timezone.localtime
    return {
        "permit_type": permit.permit_type_id,
        "title": title,
        "location": permit.location,
        "planned_start_time": local(permit.planned_start_time, permit.project.tzinfo).strftime("%Y-%m-%dT%H:%M"),
        "planned_end_time": local(permit.planned_end_time, permit.project.tzinfo).strftime("%Y-%m-%dT%H:%M"),
        "description": "",
    }


@pytest.mark.parametrize(("action", "person"), CASES)
def test_each_person_may_take_exactly_the_actions_the_table_gives_them_on_the_page(
    action, person, people, project, permit_type, client
):
    case = cases(people)[action]
    permit = permit_at(case.status, people, project, permit_type)
    before = trail(permit)
    login(client, people[person])

    if action == "edit":
        response = client.post(f"/dashboard/ptw/view/{permit.pk}/edit/", _edit_form(permit, case.page["title"]))
    else:
        data = {f"{action}-{name}": value for name, value in case.page.items()}
        response = client.post(f"/dashboard/ptw/view/{permit.pk}/actions/{action}/", data)

    outcome = expected(action, person)
    assert response.status_code == (404 if outcome == "not found" else 302)
    assert (trail(permit) != before) == (outcome == "done")
