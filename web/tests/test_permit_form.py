"""Creating a permit and editing a draft: validation messages from the form and the service."""

from datetime import UTC, datetime

import pytest

from ptw.models import Permit
from ptw.tests.factories import MembershipFactory, ProjectFactory

from .conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _a_week_before_the_permits(time_machine):
    """The forms' permits start on 1 March 2030: within the start window seen from a week before."""
    time_machine.move_to(datetime(2030, 2, 22, 9, 0, tzinfo=UTC))


def form_data(project, permit_type, **overrides):
    return {
        "project": project.pk,
        "permit_type": permit_type.pk,
        "title": "Weld bracket",
        "location": "Pipe rack 4",
        "planned_start_time": "2030-03-01T09:00",
        "planned_end_time": "2030-03-01T17:00",
        "description": "",
        **overrides,
    }


def test_the_form_offers_my_projects_and_active_types(client, creator, project, permit_type, outsider):
    response = login(client, creator).get("/dashboard/ptw/new/")
    assert response.status_code == 200
    assert list(response.context["form"].fields["project"].queryset) == [project]
    assert permit_type.name in response.content.decode()


def test_creating_a_permit_opens_its_page_as_a_draft(client, creator, project, permit_type):
    response = login(client, creator).post("/dashboard/ptw/new/", form_data(project, permit_type))
    permit = Permit.objects.get()
    assert response.url == permit.get_absolute_url()
    assert (permit.status, permit.created_by, permit.title) == ("draft", creator, "Weld bracket")
    assert "created as a draft" in client.get(response.url).content.decode()


def test_times_are_read_in_the_projects_time_zone(client, creator, project, permit_type):
    project.time_zone = "Asia/Kolkata"
    project.save()
    login(client, creator).post("/dashboard/ptw/new/", form_data(project, permit_type))
    assert Permit.objects.get().planned_start_time == datetime(2030, 3, 1, 3, 30, tzinfo=UTC)


def test_a_member_of_two_projects_types_times_in_the_chosen_projects_zone(client, creator, project, permit_type):

    far = ProjectFactory.create(code="ZULU", name="Zulu terminal", time_zone="America/New_York")
    MembershipFactory.create(user=creator, project=far)
    login(client, creator).post("/dashboard/ptw/new/", form_data(far, permit_type))
    assert Permit.objects.get().planned_start_time == datetime(2030, 3, 1, 14, 0, tzinfo=UTC)


def test_the_services_message_is_shown_on_its_field(client, creator, project, permit_type):
    response = login(client, creator).post(
        "/dashboard/ptw/new/", form_data(project, permit_type, planned_end_time="2030-03-01T08:00")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["planned_end_time"] == ["The planned end must be after the planned start."]
    assert not Permit.objects.exists()


def test_missing_fields_are_reported(client, creator, project, permit_type):
    response = login(client, creator).post(
        "/dashboard/ptw/new/", form_data(project, permit_type, title="", location="")
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["title"] == ["This field is required."] and errors["location"] == ["This field is required."]


def test_another_projects_id_is_refused(client, creator, permit_type, outsider):
    other = ProjectFactory.create(code="OTHER")
    response = login(client, creator).post("/dashboard/ptw/new/", form_data(other, permit_type))
    assert response.status_code == 400
    assert "project" in response.context["form"].errors


def test_the_creator_edits_a_draft(client, creator, draft, permit_type):
    page = login(client, creator).get(f"/dashboard/ptw/view/{draft.pk}/edit/")
    assert page.status_code == 200 and "project" not in page.context["form"].fields
    response = client.post(
        f"/dashboard/ptw/view/{draft.pk}/edit/",
        {
            "permit_type": permit_type.pk,
            "title": "Replace pump seal (both)",
            "location": "Unit 3",
            "planned_start_time": "2030-03-01T09:00",
            "planned_end_time": "2030-03-01T17:00",
        },
    )
    assert response.url == draft.get_absolute_url()
    draft.refresh_from_db()
    assert draft.title == "Replace pump seal (both)"


def test_edit_errors_are_shown_and_nothing_changes(client, creator, draft, permit_type):
    response = login(client, creator).post(
        f"/dashboard/ptw/view/{draft.pk}/edit/",
        {
            "permit_type": permit_type.pk,
            "title": "Changed",
            "location": "Unit 3",
            "planned_start_time": "2030-03-01T09:00",
            "planned_end_time": "2030-03-01T09:00",
        },
    )
    assert response.status_code == 400
    assert "The planned end must be after the planned start." in response.content.decode()
    draft.refresh_from_db()
    assert draft.title == "Replace pump seal"


def test_a_submitted_permit_cannot_be_edited(client, creator, submitted):
    response = login(client, creator).get(f"/dashboard/ptw/view/{submitted.pk}/edit/", follow=True)
    assert response.redirect_chain[-1][0] == submitted.get_absolute_url()
    assert "Cannot edit permit" in response.content.decode()


def test_someone_else_cannot_edit_my_draft(client, verifier, draft):
    response = login(client, verifier).get(f"/dashboard/ptw/view/{draft.pk}/edit/", follow=True)
    assert f"You may not edit permit {draft.permit_number}." in response.content.decode()


def test_another_projects_draft_is_not_found(client, creator, other_project_permit):
    assert login(client, creator).get(f"/dashboard/ptw/view/{other_project_permit.pk}/edit/").status_code == 404
