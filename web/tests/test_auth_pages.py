"""Logging in and out, the home redirect, and that every page wants a logged-in user."""

import pytest

from accounts.models import CompanyType
from ptw.tests.factories import member

from .conftest import login

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/dashboard/board/",
    "/dashboard/ptw/",
    "/dashboard/ptw/new/",
    "/dashboard/ptw/view/1",
    "/dashboard/ptw/view/1/",
    "/dashboard/ptw/view/1/edit/",
    "/dashboard/ptw/escalation-rules/",
    "/dashboard/notifications/",
]  # the live endpoints answer 401 instead (web/tests/test_live_fallback.py)


def test_home_is_the_board_for_admins_and_role_holders_and_the_list_for_others(client, creator, grade_b_admin, project):
    role_holder = member(project, username="safety", company_type=CompanyType.CLIENT, roles=("safety_officer",))
    assert login(client, creator).get("/").url == "/dashboard/ptw/"
    assert login(client, grade_b_admin).get("/").url == "/dashboard/board/"
    assert login(client, role_holder).get("/").url == "/dashboard/board/"


@pytest.mark.parametrize("path", PAGES)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


def test_logging_in_lands_on_the_home_page(client, creator):
    page = client.get("/accounts/login/")
    assert page.status_code == 200 and b'name="username"' in page.content
    response = client.post("/accounts/login/", {"username": "creator", "password": "pass12345"})
    assert response.url == "/"
    assert client.get(response.url).url == "/dashboard/ptw/"


def test_a_wrong_password_shows_an_error(client, creator):
    response = client.post("/accounts/login/", {"username": "creator", "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


def test_logging_out_takes_a_post(client, creator):
    login(client, creator)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").url == "/accounts/login/"
    assert client.get("/dashboard/ptw/").status_code == 302


def test_the_header_names_the_user_and_their_project(client, creator, project):
    html = login(client, creator).get("/dashboard/ptw/").content.decode()
    assert creator.display_name in html
    assert project.name in html
    assert 'aria-label="Notifications, 1 unread"' not in html  # nothing yet: no permit created
