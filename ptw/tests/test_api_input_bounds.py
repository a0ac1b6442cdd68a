"""Every API endpoint, read from the published schema: bad ids and numbers are a JSON 4xx, never a 500.

Path ids that are huge, negative, fractional or not numbers; body ids that are fractional,
booleans, strings or out of range; every error under /api/ is JSON.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from ptw.tests.conftest import permit_url

START = (timezone.now() + timedelta(hours=1)).isoformat()
END = (timezone.now() + timedelta(hours=9)).isoformat()
BAD_PATH_IDS = ["abc", "-1", "1.5", "0x10", "99999999999999999999", "9" * 400, "%00", "1e3"]
HUGE_OK_IDS = ["9223372036854775807", "99999999999999999999"]


def operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (path, method)
        for path, item in schema["paths"].items()
        for method in ("get", "post", "patch", "put", "delete")
        if method in item and "{" in path
    ]


OPERATIONS = operations()


@pytest.fixture
def client(creator) -> APIClient:
    client = APIClient()
    client.force_authenticate(creator)
    return client


def fill(path: str, value: str) -> str:
    for name in ("{id}", "{assignment_id}", "{key}"):
        path = path.replace(name, value)
    return path


def assert_json_error(response, *codes: int) -> None:
    assert response.status_code in codes, (response.status_code, response.content[:200])
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json() or response.status_code == 400


def test_every_operation_with_a_path_id_is_checked():
    assert len(OPERATIONS) >= 20  # the routed actions, isolation, closeout, inbox, tokens


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
@pytest.mark.parametrize("bad", BAD_PATH_IDS)
def test_a_bad_path_id_is_a_json_404(client, path, method, bad):
    response = getattr(client, method)(fill(path, bad), {}, format="json")

    assert_json_error(response, 404, 405)


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
@pytest.mark.parametrize("huge", HUGE_OK_IDS)
def test_an_id_of_nothing_however_large_is_a_json_404(client, path, method, huge):
    response = getattr(client, method)(fill(path, huge), {}, format="json")

    assert_json_error(response, 404, 405)


@pytest.mark.parametrize("url", ["/api/v1/nothing/", "/api/v1/ptw/permits/abc/timeline/", "/api/"])
def test_an_unknown_api_url_is_json_and_a_page_url_is_the_sites_page(client, url):
    assert_json_error(client.get(url), 404)
    page = client.get("/dashboard/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("bad", [1.5, True, "1", "x", -1, 0, 2**63, 10**30, [1], {"id": 1}])
def test_an_id_in_a_body_is_a_whole_number_in_range_never_truncated(client, project, permit_type, bad):
    body = {
        "project": project.pk,
        "permit_type": bad,
        "title": "t",
        "location": "l",
        "planned_start_time": START,
        "planned_end_time": END,
    }

    response = client.post("/api/v1/ptw/permits/", body, format="json")

    assert response.status_code == 400 and list(response.json()) == ["permit_type"]


def test_a_whole_number_written_as_1_0_is_that_id(client, project, permit_type):
    body = {
        "project": float(project.pk),
        "permit_type": permit_type.pk,
        "title": "t",
        "location": "l",
        "planned_start_time": START,
        "planned_end_time": END,
    }

    assert client.post("/api/v1/ptw/permits/", body, format="json").status_code == 201


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", 5, "Must be text."),
        ("planned_start_time", 1700000000, "Must be a date and time as text (ISO 8601)."),
        ("project", "1", "Must be a number."),
    ],
)
def test_a_body_value_of_the_wrong_json_type_is_a_field_error(client, project, permit_type, field, value, message):
    body = {
        "project": project.pk,
        "permit_type": permit_type.pk,
        "title": "t",
        "location": "l",
        "planned_start_time": START,
        "planned_end_time": END,
        field: value,
    }

    response = client.post("/api/v1/ptw/permits/", body, format="json")

    assert response.status_code == 400 and response.json()[field] == [message]


@pytest.mark.parametrize("query", ["project=1.5", "project=-1", "project=abc", "project=" + "9" * 30])
def test_an_id_in_a_query_is_a_400_naming_it(client, query):
    for url in ("/api/v1/ptw/permits/", "/api/v1/ptw/isolation-points/", "/api/v1/ptw/board/counts/"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400 and list(response.json()) == ["project"], url


def test_a_body_that_is_not_json_is_a_field_error_shaped_400(client):
    response = client.post("/api/v1/ptw/permits/", "{bad", content_type="application/json")

    assert response.status_code == 400 and response.json()["non_field_errors"][0].startswith("JSON parse error")


def test_a_form_encoded_body_is_a_415(client, draft):
    response = client.post(permit_url(draft(), "workflow/initiate/"), "a=1", content_type="multipart/form-data")

    assert_json_error(response, 415)


def test_a_cursor_the_api_did_not_give_out_is_a_400(client):
    response = client.get("/api/v1/notifications/", {"cursor": "not-a-cursor"})

    assert response.status_code == 400 and list(response.json()) == ["cursor"]
