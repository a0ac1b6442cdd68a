"""The hourly digest: non-critical e-mails held and gathered into one; critical ones never held."""

from datetime import UTC, datetime, timedelta

import pytest

from delivery.dispatch import dispatch_due
from delivery.models import ContactDetails, Delivery, DeliveryStatus
from ptw.escalation import run_job
from ptw.tests.test_escalation import submit

NINE = datetime(2026, 3, 2, 9, 5, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def test_a_digest_user_gets_one_email_an_hour_for_non_critical_types(
    smtp, escalations_on, project, creator, verifier, approver, permit_type
):
    ContactDetails.objects.create(user=verifier, hourly_digest=True)
    for _ in range(3):
        submit(project, creator, permit_type, at=NINE, verifier=verifier)
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.HELD}
    assert dispatch_due(now=NINE).claimed == 0

    same_hour = run_job("gather_hourly_digests", now=NINE + timedelta(minutes=30))
    next_hour = run_job("gather_hourly_digests", now=NINE + timedelta(hours=1))
    again = run_job("gather_hourly_digests", now=NINE + timedelta(hours=1, minutes=1))
    dispatch_due(now=NINE + timedelta(hours=1))

    assert (same_hour.counts["digests"], next_hour.counts["digests"], again.counts["digests"]) == (0, 1, 0)
    [mail] = smtp.received
    assert mail["To"] == verifier.email and mail["Subject"] == "[PTW] 3 notifications in the last hour"
    assert mail.get_body(("plain",)).get_content().count("/dashboard/ptw/view/") == 3
    assert Delivery.objects.filter(status=DeliveryStatus.DIGESTED).count() == 3


def test_safety_critical_types_are_never_held_for_the_digest(
    smtp, escalations_on, project, creator, verifier, permit_type
):
    ContactDetails.objects.create(user=verifier, hourly_digest=True)
    submit(project, creator, permit_type, at=NINE, verifier=verifier)

    run_job("check_overdue_workflow_tasks", now=NINE + timedelta(hours=5))

    overdue = Delivery.objects.get(notification_type="ptw_overdue")
    assert overdue.status == DeliveryStatus.QUEUED
    dispatch_due(now=NINE + timedelta(hours=5))
    assert [m["Subject"] for m in smtp.received] == [
        f"[PTW] Task overdue: {overdue.notification.data['permit_number']}"
    ]
