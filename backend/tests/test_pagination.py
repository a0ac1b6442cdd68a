"""Every paginated API list: a bounded page, and a 400 naming the parameter for a bad number (never a 500)."""

import pytest
from rest_framework.test import APIClient

from accounts.tokens import issue_token

LIMIT_OFFSET_LISTS = [
    "/api/v1/ptw/permits/",
    "/api/v1/ptw/permit-types/",
    "/api/v1/ptw/projects/",
    "/api/v1/ptw/workflow/my-tasks/",
    "/api/v1/ptw/isolation-points/",
    "/api/v1/auth/tokens/",
]
INBOX = "/api/v1/notifications/"
BAD_NUMBERS = ["abc", "-1", "1.5", "1e3", " ", "٣", "0x10", "+5"]


@pytest.fixture
def client(creator) -> APIClient:
    client = APIClient()
    client.force_authenticate(creator)
    return client


@pytest.fixture
def three_permits(draft_permit):
    return [draft_permit(title=f"Permit {n}") for n in range(3)]


@pytest.fixture
def draft_permit(creator, project, permit_type):
    from datetime import timedelta

    from django.utils import timezone

    from ptw.permits import create_permit

    start = timezone.now() + timedelta(hours=1)

    def make(**fields):
        values = {
            "by": creator,
            "project": project,
            "permit_type": permit_type,
            "title": "Permit",
            "location": "Unit 3",
            "planned_start_time": start,
            "planned_end_time": start + timedelta(hours=8),
            "now": timezone.now(),
        }
        return create_permit(**{**values, **fields})

    return make


@pytest.mark.parametrize("url", LIMIT_OFFSET_LISTS)
@pytest.mark.parametrize("query", ["limit=1000000", "limit=200", "offset=100000000000000000", "limit=1&offset=0"])
def test_every_list_answers_big_limits_and_offsets(client, url, query):
    response = client.get(f"{url}?{query}")

    assert response.status_code == 200 and "results" in response.data


@pytest.mark.parametrize("url", LIMIT_OFFSET_LISTS)
@pytest.mark.parametrize("name", ["limit", "offset"])
@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_a_bad_limit_or_offset_is_a_400_naming_it(client, url, name, value):
    response = client.get(url, {name: value})

    assert response.status_code == 400
    minimum = 1 if name == "limit" else 0
    assert response.data == {name: [f"Must be a whole number, {minimum} or more."]}


@pytest.mark.parametrize("url", LIMIT_OFFSET_LISTS)
def test_a_limit_of_any_length_is_reduced_to_the_maximum(client, url):
    response = client.get(url, {"limit": "9" * 5000})

    assert response.status_code == 200 and "limit=200" in (response.data["next"] or "limit=200")


@pytest.mark.parametrize("url", LIMIT_OFFSET_LISTS)
def test_an_offset_past_what_the_database_can_count_is_a_400(client, url):
    response = client.get(url, {"offset": "9" * 19})

    assert response.status_code == 400
    assert response.data == {"offset": ["Must be a whole number from 0 to 999999999999999999."]}


def test_a_zero_limit_is_refused(client):
    assert client.get(LIMIT_OFFSET_LISTS[0], {"limit": "0"}).data == {"limit": ["Must be a whole number, 1 or more."]}


def test_a_limit_above_the_maximum_is_reduced_to_it(client, settings, three_permits):
    settings.API_MAX_PAGE_SIZE = 2

    response = client.get("/api/v1/ptw/permits/", {"limit": "1000"})

    assert response.data["count"] == 3 and len(response.data["results"]) == 2
    assert "limit=2" in response.data["next"]


def test_an_offset_past_the_end_is_an_empty_page(client, three_permits):
    response = client.get("/api/v1/ptw/permits/", {"offset": "999999999999999999"})

    assert response.status_code == 200 and response.data["results"] == [] and response.data["count"] == 3


@pytest.mark.parametrize("value", [*BAD_NUMBERS, "0"])
def test_the_inbox_page_size_is_checked_the_same_way(client, value):
    response = client.get(INBOX, {"page_size": value})

    assert response.status_code == 400 and response.data == {"page_size": ["Must be a whole number, 1 or more."]}


def test_the_inbox_page_size_is_capped_at_its_maximum(client, creator):
    from django.utils import timezone

    from notifications.models import Notification

    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            recipient=creator,
            notification_type="ptw_created",
            title="t",
            message="m",
            created_at=now,
            dedupe_key=str(n),
        )
        for n in range(101)
    )

    response = client.get(INBOX, {"page_size": "1000000"})

    assert response.status_code == 200 and len(response.data["results"]) == 100  # InboxPagination.max_page_size


def test_the_schema_states_the_maximum(client):
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    limit = next(p for p in schema["paths"]["/api/v1/ptw/permits/"]["get"]["parameters"] if p["name"] == "limit")

    assert "at most 200" in limit["description"] and limit["schema"]["minimum"] == 1


def test_token_listing_pages_too(creator, client):
    for _ in range(3):
        issue_token(user=creator)

    response = client.get("/api/v1/auth/tokens/", {"limit": "2"})

    assert response.data["count"] == 3 and len(response.data["results"]) == 2
