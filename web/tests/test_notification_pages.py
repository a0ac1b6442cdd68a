"""The bell in the header and the inbox: read state changes only by POST, only one's own."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Notification

from .conftest import login

pytestmark = pytest.mark.django_db


def note(user, n=0, *, link="/dashboard/ptw/view/1", read=False, kind="ptw_verification", **fields):
    return Notification.objects.create(
        recipient=user,
        notification_type=kind,
        title=f"Title {n}",
        message=f"Message {n}",
        link=link,
        dedupe_key=f"key-{user.pk}-{n}",
        created_at=timezone.now() - timedelta(minutes=n),
        read_at=timezone.now() if read else None,
        **fields,
    )


def test_the_bell_shows_the_unread_count_and_the_latest_ten(client, verifier):
    for n in range(12):
        note(verifier, n, read=n % 2 == 1)
    html = login(client, verifier).get("/dashboard/ptw/").content.decode()
    assert 'aria-label="Notifications, 6 unread"' in html
    assert '<span class="bell-count" id="bell-count" aria-hidden="true">6</span>' in html
    assert 'aria-live="polite"' in html and "6 unread notifications" in html
    assert html.count('class="bell-item') == 10 + 1  # ten, and the template for live ones
    assert "Title 0" in html and "Title 10" not in html


def test_the_bell_knows_the_newest_id_for_the_live_stream(client, verifier):
    newest = note(verifier, 5)  # older by time, newest by id
    note_id = note(verifier, 1).pk
    html = login(client, verifier).get("/dashboard/ptw/").content.decode()
    assert f'data-last-id="{max(newest.pk, note_id)}"' in html


def test_opening_a_notification_marks_it_read_and_goes_to_its_link(client, verifier, submitted):
    mine = Notification.objects.get(recipient=verifier)
    login(client, verifier)
    back = client.get(f"/dashboard/notifications/{mine.pk}/open/")  # back from the login page: no change
    assert back.url == f"/dashboard/ptw/view/{submitted.pk}"
    mine.refresh_from_db()
    assert mine.read_at is None
    response = client.post(f"/dashboard/notifications/{mine.pk}/open/")
    assert response.url == f"/dashboard/ptw/view/{submitted.pk}"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_an_offsite_link_is_not_followed(client, verifier):
    mine = note(verifier, link="https://evil.example/")
    response = login(client, verifier).post(f"/dashboard/notifications/{mine.pk}/open/")
    assert response.url == "/dashboard/notifications/"


def test_someone_elses_notification_is_not_found(client, verifier, approver):
    theirs = note(approver)
    login(client, verifier)
    for action in ("open", "read", "unread"):
        assert client.post(f"/dashboard/notifications/{theirs.pk}/{action}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_and_unread_returns_to_the_page(client, verifier):
    mine = note(verifier)
    login(client, verifier)
    response = client.post(
        f"/dashboard/notifications/{mine.pk}/read/", {"next": "/dashboard/notifications/?show=unread"}
    )
    assert response.url == "/dashboard/notifications/?show=unread"
    mine.refresh_from_db()
    assert mine.read_at is not None
    client.post(f"/dashboard/notifications/{mine.pk}/unread/")
    mine.refresh_from_db()
    assert mine.read_at is None


def test_mark_all_read_marks_only_mine(client, verifier, approver):
    note(verifier, 1)
    note(verifier, 2)
    theirs = note(approver, 3)
    response = login(client, verifier).post(
        "/dashboard/notifications/read-all/", {"next": "/dashboard/ptw/"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/dashboard/ptw/"
    assert "2 notifications marked read." in response.content.decode()
    assert not Notification.objects.filter(recipient=verifier, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_inbox_shows_all_or_unread_and_filters_by_type(client, verifier):
    note(verifier, 1, kind="ptw_verification")
    note(verifier, 2, kind="ptw_overdue", read=True)
    note(verifier, 3, kind="ptw_overdue")
    login(client, verifier)

    def titles(query=""):
        return [n.title for n in client.get(f"/dashboard/notifications/{query}").context["page"]]

    assert titles() == ["Title 1", "Title 2", "Title 3"]
    assert titles("?show=unread") == ["Title 1", "Title 3"]
    assert titles("?type=ptw_overdue") == ["Title 2", "Title 3"]
    assert titles("?show=unread&type=ptw_overdue") == ["Title 3"]
    assert titles("?type=not_a_type") == ["Title 1", "Title 2", "Title 3"]


def test_the_inbox_offers_read_and_unread_per_item_and_pages_by_20(client, verifier):
    for n in range(25):
        note(verifier, n, read=n == 0)
    login(client, verifier)
    first = client.get("/dashboard/notifications/")
    html = first.content.decode()
    assert len(first.context["page"]) == 20 and "Page 1 of 2" in html
    assert html.count(">Mark unread</button>") == 1 and html.count(">Mark read</button>") == 19
    assert len(client.get("/dashboard/notifications/?page=2").context["page"]) == 5


def test_the_inbox_reads_a_bounded_number_of_queries(client, verifier, django_assert_max_num_queries):
    for n in range(20):
        note(verifier, n)
    login(client, verifier)
    with django_assert_max_num_queries(12):
        client.get("/dashboard/notifications/")
