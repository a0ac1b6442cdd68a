"""The inbox API (/api/v1/notifications/): my notifications only, newest first."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from notifications.models import Notification

URL = "/api/v1/notifications/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for():
    def login(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return login


def ids(response):
    return [item["id"] for item in response.json()["results"]]


def test_it_lists_my_notifications_newest_first_with_their_sender(client_for, alice, bob, make_notifications):
    mine = make_notifications(alice, 3, sender=bob)
    make_notifications(bob, 2)

    response = client_for(alice).get(URL)

    assert response.status_code == 200
    assert ids(response) == [n.pk for n in reversed(mine)]
    first = response.json()["results"][0]
    newest = mine[-1]
    assert first == {
        "id": newest.pk,
        "notification_type": "test_event",
        "title": newest.title,
        "message": newest.message,
        "data": newest.data,
        "link": newest.link,
        "read": False,
        "read_at": None,
        "created_at": first["created_at"],
        "sender": {"id": bob.pk, "username": "bob", "display_name": "bob"},
        # the e-mail that carried it (a type without a route row goes by e-mail; alice has no address)
        "deliveries": [{"channel": "email", "status": "dead", "summary": "E-mail failed", "sent_at": None}],
    }
    assert response.json()["next"] is None


def test_a_system_notification_has_no_sender(client_for, alice, make_notifications):
    make_notifications(alice)
    assert client_for(alice).get(URL).json()["results"][0]["sender"] is None


def test_it_filters_by_unread_type_and_subject(client_for, alice, make_notifications):
    read = make_notifications(alice, 2, notification_type="ptw_approved", subject=("ptw.permit", 7))
    unread_other_permit = make_notifications(alice, 1, notification_type="ptw_approved", subject=("ptw.permit", 8))
    unread_other_type = make_notifications(alice, 1, notification_type="ptw_created", subject=("ptw.permit", 7))
    Notification.objects.filter(pk__in=[n.pk for n in read]).update(read_at=timezone.now())
    client = client_for(alice)

    assert set(ids(client.get(URL, {"unread": "true"}))) == {unread_other_permit[0].pk, unread_other_type[0].pk}
    assert set(ids(client.get(URL, {"unread": "false"}))) == {n.pk for n in read}
    assert set(ids(client.get(URL, {"type": "ptw_created"}))) == {unread_other_type[0].pk}
    assert set(ids(client.get(URL, {"permit": 7}))) == {n.pk for n in read} | {unread_other_type[0].pk}
    assert ids(client.get(URL, {"permit": 7, "type": "ptw_approved", "unread": "true"})) == []
    assert client.get(URL, {"unread": "maybe"}).status_code == 400
    assert client.get(URL, {"permit": "x"}).status_code == 400


def test_unread_count_counts_only_my_unread(client_for, alice, bob, make_notifications):
    first, *_ = make_notifications(alice, 3)
    make_notifications(bob, 5)
    Notification.objects.filter(pk=first.pk).update(read_at=timezone.now())

    response = client_for(alice).get(URL + "unread-count/")

    assert response.status_code == 200
    assert response.json() == {"unread": 2}


def test_read_and_unread_toggle_one_notification(client_for, alice, make_notifications):
    notification, other = make_notifications(alice, 2)
    client = client_for(alice)

    response = client.post(f"{URL}{notification.pk}/read/")
    assert response.status_code == 200
    assert response.json()["read"] is True and response.json()["read_at"] is not None
    read_at = Notification.objects.get(pk=notification.pk).read_at
    # reading again keeps the first read time
    assert client.post(f"{URL}{notification.pk}/read/").json()["read"] is True
    assert Notification.objects.get(pk=notification.pk).read_at == read_at
    assert client.get(URL + "unread-count/").json() == {"unread": 1}

    response = client.post(f"{URL}{notification.pk}/unread/")
    assert response.status_code == 200
    assert response.json()["read"] is False and response.json()["read_at"] is None
    assert client.get(URL + "unread-count/").json() == {"unread": 2}
    assert Notification.objects.get(pk=other.pk).read_at is None


def test_mark_all_read_marks_only_mine_and_says_how_many(client_for, alice, bob, make_notifications):
    first, *_ = make_notifications(alice, 4)
    make_notifications(bob, 2)
    client = client_for(alice)
    client.post(f"{URL}{first.pk}/read/")

    response = client.post(URL + "mark-all-read/")

    assert response.status_code == 200
    assert response.json() == {"marked": 3}
    assert client.post(URL + "mark-all-read/").json() == {"marked": 0}
    assert Notification.objects.filter(recipient=bob, read_at__isnull=True).count() == 2


def test_delete_removes_my_notification(client_for, alice, make_notifications):
    notification, kept = make_notifications(alice, 2)
    client = client_for(alice)

    assert client.delete(f"{URL}{notification.pk}/").status_code == 204

    assert list(Notification.objects.filter(recipient=alice)) == [kept]
    assert client.delete(f"{URL}{notification.pk}/").status_code == 404


def test_someone_elses_notification_is_404_on_every_endpoint(client_for, alice, bob, make_notifications):
    (theirs,) = make_notifications(bob)
    client = client_for(alice)

    assert client.post(f"{URL}{theirs.pk}/read/").status_code == 404
    assert client.post(f"{URL}{theirs.pk}/unread/").status_code == 404
    assert client.delete(f"{URL}{theirs.pk}/").status_code == 404
    assert client.get(f"{URL}{theirs.pk}/").status_code in (404, 405)  # no detail read exists
    assert ids(client.get(URL)) == []
    assert ids(client.get(URL, {"permit": 1})) == []
    assert client.get(URL + "unread-count/").json() == {"unread": 0}
    assert client.post(URL + "mark-all-read/").json() == {"marked": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", ""),
        ("get", "unread-count/"),
        ("post", "mark-all-read/"),
        ("post", "{id}/read/"),
        ("post", "{id}/unread/"),
        ("delete", "{id}/"),
    ],
)
def test_anonymous_requests_are_rejected(alice, make_notifications, method, path):
    (notification,) = make_notifications(alice)

    response = getattr(APIClient(), method)(URL + path.format(id=notification.pk))

    assert response.status_code == 401
    notification.refresh_from_db()
    assert notification.read_at is None


def test_pages_stay_stable_while_new_notifications_arrive(client_for, alice, make_notifications):
    start = timezone.now() - timedelta(hours=1)
    # pairs sharing a created_at, as a bulk insert makes them, so ties cross page boundaries
    existing = []
    for i in range(13):
        existing += make_notifications(alice, 2, start=start + timedelta(seconds=i), same_time=True)
    client = client_for(alice)

    page = client.get(URL, {"page_size": 5}).json()
    seen = [item["id"] for item in page["results"]]
    make_notifications(alice, 4, start=timezone.now())  # newer than everything listed
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [item["id"] for item in page["results"]]

    expected = [n.pk for n in sorted(existing, key=lambda n: (n.created_at, n.pk), reverse=True)]
    assert seen == expected


def test_the_list_costs_the_same_few_queries_however_many_senders(
    client_for,
    alice,
    django_user_model,
    make_notifications,
    django_assert_max_num_queries,
):
    for i in range(20):
        make_notifications(alice, sender=django_user_model.objects.create_user(f"sender{i}"))
    client = client_for(alice)

    with django_assert_max_num_queries(2):  # the page, and its e-mails and SMS
        response = client.get(URL, {"page_size": 20})

    assert len(response.json()["results"]) == 20
    assert len({item["sender"]["id"] for item in response.json()["results"]}) == 20
