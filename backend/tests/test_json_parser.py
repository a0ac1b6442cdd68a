"""Deeply nested JSON is a 400 on every endpoint (it used to be a RecursionError: a 500)."""

import pytest
from rest_framework.test import APIClient

from backend.parsers import MAX_JSON_DEPTH, nesting_depth_exceeds

NESTED_1000 = "[" * 1000 + "]" * 1000  # 2 KB
NESTED_100K = '{"a":' * 100_000 + "1" + "}" * 100_000


def post_raw(client: APIClient, url: str, body: str):
    return client.generic("POST", url, body, content_type="application/json")


@pytest.mark.parametrize("body", [NESTED_1000, NESTED_100K, "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)])
def test_an_unauthenticated_nested_body_is_a_400_on_the_login_endpoint(db, body):
    response = post_raw(APIClient(), "/api/v1/auth/token/", body)

    assert response.status_code == 400
    assert response.data == {
        "non_field_errors": [f"JSON parse error - the body nests deeper than {MAX_JSON_DEPTH} levels."]
    }


def test_a_nested_body_is_a_400_on_an_authenticated_endpoint_too(creator):
    client = APIClient()
    client.force_authenticate(creator)

    response = post_raw(client, "/api/v1/ptw/permits/", '{"title": ' + NESTED_1000 + "}")

    assert response.status_code == 400 and "nests deeper" in response.data["non_field_errors"][0]


def test_a_body_at_the_depth_limit_is_parsed_as_usual(db):
    at_limit = '{"username": ' + "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1) + ', "password": "x"}'

    response = post_raw(APIClient(), "/api/v1/auth/token/", at_limit)

    assert response.status_code == 400 and "username" in response.data  # a field error, not a parse error


def test_broken_json_is_still_a_parse_error(db):
    response = post_raw(APIClient(), "/api/v1/auth/token/", '{"username": ')

    assert response.status_code == 400 and response.data["non_field_errors"][0].startswith("JSON parse error")


@pytest.mark.parametrize(
    ("value", "deeper_than_2"),
    [(1, False), ([], False), ([[]], False), ([[[]]], True), ({"a": {"b": 1}}, False), ({"a": [{"b": []}]}, True)],
)
def test_nesting_depth_is_measured_on_lists_and_objects(value, deeper_than_2):
    assert nesting_depth_exceeds(value, 2) is deeper_than_2
