"""Dispatchers at once, and a dispatcher killed mid-batch: each delivery sent, none lost, and
duplicates only within the documented window (OUTBOX_RECORD_EVERY per killed dispatcher)."""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connections
from django.utils import timezone

from delivery.dispatch import dispatch_due
from delivery.models import Delivery, DeliveryStatus
from ptw.tests.workers import database_url

from .seed import seed_queued_emails
from .servers import SmtpHandler, smtp_server

DISPATCHERS = 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_four_dispatchers_over_2000_queued_send_each_exactly_once(smtp):
    now = timezone.now()
    ids = seed_queued_emails(2000, now=now)
    barrier = threading.Barrier(DISPATCHERS)
    reports, errors = [], []

    def dispatcher():
        try:
            barrier.wait(timeout=30)
            reports.append(dispatch_due(now=now, batch_size=50, max_batches=1000))
        except BaseException as error:  # surfaced below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=dispatcher) for _ in range(DISPATCHERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)

    assert not errors
    received = smtp.message_ids()
    assert len(received) == 2000 and set(received.values()) == {1}
    assert set(received) == {f"<ptw-delivery-{pk}@{settings.DELIVERY_MESSAGE_ID_DOMAIN}>" for pk in ids}
    assert sum(r.sent for r in reports) == 2000 and all(r.sent for r in reports)  # all four took a share
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_dispatcher_killed_mid_batch_loses_nothing_and_repeats_at_most_one_record_window(settings):
    settings.OUTBOX_RECORD_EVERY = 20
    total = 300
    now = timezone.now()
    seed_queued_emails(total, now=now - timedelta(seconds=1))
    handler = SmtpHandler(delay=0.01)
    with smtp_server(handler=handler) as (controller, received):
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "EMAIL_URL": f"smtp://127.0.0.1:{controller.port}",
            "OUTBOX_RECORD_EVERY": "20",
            "OUTBOX_BATCH_SIZE": "100",
        }
        process = subprocess.Popen(
            [sys.executable, "manage.py", "deliver_outbox", "--loop", "0.2"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while len(received.received) < 130 and time.monotonic() < deadline:  # inside its second batch
                time.sleep(0.01)
            os.kill(process.pid, signal.SIGKILL)
        finally:
            process.wait(timeout=30)
        killed_at = len(received.received)
        stranded = Delivery.objects.filter(status=DeliveryStatus.SENDING).count()
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
        received.delay = 0

        rerun = dispatch_due(now=timezone.now() + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1))

    counts = received.message_ids()
    duplicates = sum(counts.values()) - len(counts)
    print(f"killed after {killed_at} accepted; {stranded} left claimed; rerun sent {rerun.sent}; {duplicates} twice")
    assert 100 < killed_at < total and stranded > 0
    assert len(counts) == total  # none lost
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert duplicates <= settings.OUTBOX_RECORD_EVERY
