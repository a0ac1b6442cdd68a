"""403, 404 and 500 with DEBUG off (the suite's and `make run`'s mode): the site's layout and mobile
viewport on pages, JSON under /api/."""

import json

from django.test import RequestFactory

from backend.error_views import server_error

from .conftest import login

VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def assert_site_page(response, status: int, heading: str) -> None:
    html = response.content.decode()
    assert response.status_code == status and response["Content-Type"].startswith("text/html")
    assert VIEWPORT in html and 'class="brand"' in html and "/static/web/app.css" in html
    assert f"<h1>{heading}</h1>" in html and "Traceback" not in html


def test_debug_is_off_in_the_suite(settings):
    assert settings.DEBUG is False


def test_a_missing_page_is_the_sites_404(client, creator):
    assert_site_page(login(client, creator).get("/dashboard/ptw/view/999999"), 404, "Not found")


def test_a_forbidden_page_is_the_sites_403(client, creator):
    assert_site_page(login(client, creator).get("/dashboard/ptw/escalation-rules/"), 403, "Not allowed")


def test_a_server_error_is_the_sites_500_page_and_json_under_the_api(db):
    assert_site_page(server_error(RequestFactory().get("/dashboard/ptw/")), 500, "Something went wrong")

    response = server_error(RequestFactory().get("/api/v1/ptw/permits/"))
    assert response.status_code == 500 and "detail" in json.loads(response.content)
