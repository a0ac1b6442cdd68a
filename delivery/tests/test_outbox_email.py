"""E-mail delivery end to end: a workflow action → its outbox row → a real SMTP server."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction

from delivery.dispatch import dispatch_due
from delivery.models import Channel, Delivery, DeliveryStatus
from notifications.models import Notification
from ptw import workflow
from ptw.tests.test_escalation import submit

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def test_an_assigned_verifier_gets_exactly_one_email_with_subject_link_and_a_stable_message_id(
    smtp, settings, project, creator, verifier, permit_type
):
    settings.SITE_URL = "https://ptw.example.com"
    permit = submit(project, creator, permit_type, at=NOW, verifier=verifier)
    notification = Notification.objects.get(recipient=verifier, notification_type="ptw_verification")
    delivery = Delivery.objects.get(notification=notification)
    assert (delivery.channel, delivery.address, delivery.status) == (Channel.EMAIL, verifier.email, "queued")

    first = dispatch_due(now=NOW + timedelta(seconds=1))
    again = dispatch_due(now=NOW + timedelta(hours=1))

    assert (first.sent, again.claimed) == (1, 0)
    [mail] = smtp.received
    assert mail["To"] == verifier.email
    assert mail["Subject"] == f"[PTW] Verification required: {permit.permit_number}"
    assert mail["Message-ID"] == delivery.message_id
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    link = f"https://ptw.example.com/dashboard/ptw/view/{permit.pk}"
    for part in (text, html):
        assert link in part
        assert f"{permit.permit_number} ({permit.title})" in part
        assert "Verify the permit" in part
    assert "Waiting since: 02 Mar 2026, 09:00 UTC" in text
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)
    assert delivery.sent_at == NOW + timedelta(seconds=1)


def test_confirmations_of_ones_own_action_stay_in_app(project, creator, verifier, permit_type):
    submit(project, creator, permit_type, at=NOW, verifier=verifier)

    types = set(Delivery.objects.values_list("notification_type", flat=True))
    assert types == {"ptw_verification"}
    assert Notification.objects.filter(notification_type__in=["ptw_created", "ptw_submitted"]).count() == 2


def test_a_rolled_back_action_leaves_no_delivery(project, creator, verifier, permit_type):
    def fails_after_notifying():
        with transaction.atomic():
            submit(project, creator, permit_type, at=NOW, verifier=verifier)
            assert Delivery.objects.count() == 1
            raise RuntimeError("the action fails after notifying")

    with pytest.raises(RuntimeError):
        fails_after_notifying()
    assert Delivery.objects.count() == 0


def test_one_connection_carries_the_whole_batch(smtp, project, creator, verifier, approver, permit_type):
    for _ in range(5):
        permit = submit(project, creator, permit_type, at=NOW, verifier=verifier)
        workflow.verify_permit(permit=permit, by=verifier, approve=True, approver=approver, now=NOW)
    connections = []
    original = smtp.handle_DATA

    async def counting(server, session, envelope):
        connections.append(id(session))
        return await original(server, session, envelope)

    smtp.handle_DATA = counting

    report = dispatch_due(now=NOW + timedelta(seconds=1))

    assert report.sent == Delivery.objects.count() == 10  # 5 verifications, 5 approvals
    assert len(set(connections)) == 1
