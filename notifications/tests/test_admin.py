"""The notification admin: find notifications by recipient, type or permit number; data read-only."""

import pytest
from django.utils import timezone

from notifications.models import Notification

CHANGELIST = "/admin/notifications/notification/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "x"))
    return client


def listed(response):
    return {row.pk for row in response.context["cl"].result_list}


def test_it_finds_notifications_by_recipient_type_and_permit_number(staff_client, alice, bob, make_notifications):
    (about_42,) = make_notifications(alice, notification_type="ptw_approved")
    Notification.objects.filter(pk=about_42.pk).update(data={"permit_id": 42, "permit_number": "PTW-2026-000042"})
    (bobs,) = make_notifications(bob, notification_type="ptw_overdue")

    assert listed(staff_client.get(CHANGELIST, {"q": "PTW-2026-000042"})) == {about_42.pk}
    assert listed(staff_client.get(CHANGELIST, {"q": "bob"})) == {bobs.pk}
    assert listed(staff_client.get(CHANGELIST, {"q": "ptw_overdue"})) == {bobs.pk}
    assert listed(staff_client.get(CHANGELIST, {"notification_type": "ptw_approved"})) == {about_42.pk}


def test_it_filters_read_and_unread(staff_client, alice, make_notifications):
    read, unread = make_notifications(alice, 2)
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())

    assert listed(staff_client.get(CHANGELIST, {"read": "yes"})) == {read.pk}
    assert listed(staff_client.get(CHANGELIST, {"read": "no"})) == {unread.pk}


def test_data_is_read_only_on_the_change_page(staff_client, alice, make_notifications):
    (notification,) = make_notifications(alice)
    response = staff_client.get(f"{CHANGELIST}{notification.pk}/change/")
    assert response.status_code == 200
    assert "data" not in response.context["adminform"].form.fields
