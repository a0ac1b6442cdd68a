"""What goes wrong on the way out: the SMTP server down, a refused address, attempts exhausted."""

from datetime import UTC, datetime, timedelta

import pytest

from delivery.dispatch import dispatch_due, retry_delay
from delivery.models import Delivery, DeliveryStatus
from ptw.tests.test_escalation import submit

from .servers import free_port, smtp_server

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.EMAIL_TIMEOUT = 5
    return settings


def test_while_the_smtp_server_is_down_deliveries_wait_and_arrive_exactly_once_when_it_returns(
    smtp_settings, project, creator, verifier, approver, permit_type
):
    for _ in range(3):
        submit(project, creator, permit_type, at=NOW, verifier=verifier)

    down = dispatch_due(now=NOW)  # nothing listens on the port
    assert (down.claimed, down.sent, down.retried) == (3, 0, 3)
    waiting = list(Delivery.objects.all())
    assert {d.status for d in waiting} == {DeliveryStatus.QUEUED}
    assert all(NOW + timedelta(seconds=15) <= d.next_attempt_at <= NOW + timedelta(seconds=30) for d in waiting)
    assert all("unreachable" in d.last_error and len(d.errors) == 1 for d in waiting)
    assert dispatch_due(now=NOW + timedelta(seconds=10)).claimed == 0  # not before its backoff

    with smtp_server(port=smtp_settings.EMAIL_PORT) as (_, received):
        back = dispatch_due(now=NOW + timedelta(minutes=1))
        again = dispatch_due(now=NOW + timedelta(hours=1))

    assert (back.sent, again.claimed) == (3, 0)
    assert sorted(received.message_ids().values()) == [1, 1, 1]
    assert set(Delivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.SENT, 2)}


def test_a_refused_address_is_dead_at_once_and_not_retried(smtp, project, creator, verifier, permit_type):
    smtp.reject = {verifier.email}
    submit(project, creator, permit_type, at=NOW, verifier=verifier)

    report = dispatch_due(now=NOW)
    later = dispatch_due(now=NOW + timedelta(days=1))

    assert (report.dead, later.claimed, smtp.received) == (1, 0, [])
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.DEAD and delivery.attempts == 1
    assert "550" in delivery.last_error and delivery.errors[0]["permanent"] is True


def test_a_delivery_that_keeps_failing_is_dead_after_the_last_attempt(
    smtp_settings, project, creator, verifier, permit_type
):
    smtp_settings.OUTBOX_MAX_ATTEMPTS = 3
    submit(project, creator, permit_type, at=NOW, verifier=verifier)

    at = NOW
    for _ in range(3):
        dispatch_due(now=at)
        at += timedelta(days=1)

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, len(delivery.errors)) == (DeliveryStatus.DEAD, 3, 3)


def test_retries_back_off_exponentially_with_jitter_up_to_a_cap(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS, settings.OUTBOX_RETRY_MAX_SECONDS = 30, 600
    delays = {attempt: {retry_delay(attempt).total_seconds() for _ in range(50)} for attempt in (1, 2, 3, 10)}
    assert all(15 <= d <= 30 for d in delays[1]) and all(30 <= d <= 60 for d in delays[2])
    assert all(60 <= d <= 120 for d in delays[3]) and all(300 <= d <= 600 for d in delays[10])
    assert len(delays[3]) > 1  # jittered: dispatchers retrying together spread out
