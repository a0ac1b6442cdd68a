"""A real Celery worker sends the e-mail after the notifying transaction commits (woken by the
on-commit task), with nothing else dispatching."""

import os
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from delivery.models import Delivery, DeliveryStatus
from ptw.tests.test_escalation import submit
from ptw.tests.workers import celery_worker


@pytest.mark.postgres  # the worker needs the test database from another process
@pytest.mark.celery_worker
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis: set REDIS_URL and CELERY_BROKER_URL")
@pytest.mark.django_db(transaction=True)
def test_a_worker_woken_at_commit_sends_the_email(smtp, settings, project, creator, verifier, permit_type):
    settings.OUTBOX_DISPATCH_ON_COMMIT = True
    with celery_worker(EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}", CELERY_TASK_ALWAYS_EAGER="False") as worker:
        submit(project, creator, permit_type, at=timezone.now() - timedelta(seconds=1), verifier=verifier)
        deadline = time.monotonic() + 90
        while not Delivery.objects.filter(status=DeliveryStatus.SENT).exists():
            assert worker.poll() is None, f"the worker exited: {worker.stdout.read()}"
            assert time.monotonic() < deadline, "no e-mail within 90 s"
            time.sleep(0.2)
    [mail] = smtp.received
    assert mail["To"] == verifier.email and mail["Message-ID"] == Delivery.objects.get().message_id
