"""The OpenAPI schema describes every endpoint, with its bodies and error responses, and validates."""

import re

import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator

from ptw.api.urls import urlpatterns

ERROR_CODES = {"400", "403", "404", "409"}


@pytest.fixture(scope="module")
def schema(django_db_blocker):

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def test_the_schema_page_renders_for_a_logged_in_user(client_for, creator):
    response = client_for(creator).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")

    assert response.status_code == 200
    assert "/api/v1/ptw/permits/{id}/workflow/verify/" in yaml.safe_load(response.content)["paths"]


def test_every_ptw_route_is_in_the_schema(schema):
    documented = set(schema["paths"])
    routes = {
        "/api/v1/" + re.sub(r"<int:(\w+)>", r"{\1}", str(pattern.pattern).replace("<int:pk>", "{id}"))
        for pattern in urlpatterns
    }

    assert routes <= documented


def test_every_permit_write_documents_its_body_and_its_errors(schema):
    for path, operations in schema["paths"].items():
        if not path.startswith("/api/v1/ptw/permits/{id}/"):
            continue
        for method, operation in operations.items():
            if method in ("post", "patch"):
                assert set(operation["responses"]) >= ERROR_CODES, (method, path)
            assert {"403", "404"} <= set(operation["responses"]), (method, path)


def test_the_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
