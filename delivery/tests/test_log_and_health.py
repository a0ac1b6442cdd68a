"""The delivery log: dead deliveries in the admin and in health (503 past the age threshold);
the permit's timeline and the inbox show the channels."""

from datetime import timedelta

import pytest
from django.utils import timezone

from delivery.dispatch import dispatch_due
from delivery.models import Delivery, DeliveryStatus
from ptw.escalation import JOBS
from ptw.models import JobRun
from ptw.tests.test_escalation import submit

HEALTH = "/api/v1/ptw/health/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs_fresh():
    now = timezone.now()
    for name in JOBS:
        JobRun.objects.create(job=name, started_at=now, finished_at=now, ok=True)


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", "pass-12345-long")


def test_a_refused_address_is_dead_and_shows_in_the_admin_and_in_health(
    smtp, jobs_fresh, api_client, client, superuser, project, creator, verifier, permit_type
):
    smtp.reject = {verifier.email}
    submit(project, creator, permit_type, at=timezone.now(), verifier=verifier)
    dispatch_due(now=timezone.now())
    dead = Delivery.objects.get(status=DeliveryStatus.DEAD)

    health = api_client.get(HEALTH).json()
    client.force_login(superuser)
    listed = client.get("/admin/delivery/delivery/", {"status__exact": "dead"}).content.decode()
    detail = client.get(f"/admin/delivery/delivery/{dead.pk}/change/").content.decode()

    assert health["outbox"]["dead"] == 1 and health["outbox"]["pending"] == 0
    assert verifier.email in listed
    assert "550" in detail and "Verification required" in detail  # the error, and the mail as rendered


def test_health_answers_503_when_a_delivery_has_waited_too_long(
    settings, jobs_fresh, api_client, project, creator, verifier, permit_type
):
    settings.OUTBOX_HEALTH_MAX_AGE_SECONDS = 600
    submit(project, creator, permit_type, at=timezone.now() - timedelta(minutes=5), verifier=verifier)
    assert api_client.get(HEALTH).status_code == 200

    Delivery.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    response = api_client.get(HEALTH)

    assert response.status_code == 503
    assert response.json()["outbox"]["oldest_pending_age_seconds"] >= 660


def test_the_admin_filters_the_log_by_channel_type_and_recipient(
    client, superuser, project, creator, verifier, permit_type
):
    submit(project, creator, permit_type, at=timezone.now(), verifier=verifier)
    client.force_login(superuser)
    for query in (
        {"channel__exact": "email"},
        {"notification_type__exact": "ptw_verification"},
        {"recipient__id__exact": verifier.pk},
        {"q": "verifier"},
    ):
        assert verifier.email in client.get("/admin/delivery/delivery/", query).content.decode()
    assert verifier.email not in client.get("/admin/delivery/delivery/", {"channel__exact": "sms"}).content.decode()


def test_the_inbox_page_shows_which_channels_carried_each_notification(
    smtp, client, project, creator, verifier, permit_type
):
    submit(project, creator, permit_type, at=timezone.now(), verifier=verifier)
    dispatch_due(now=timezone.now())
    client.force_login(verifier)

    page = client.get("/dashboard/notifications/").content.decode()

    assert "E-mail sent" in page
