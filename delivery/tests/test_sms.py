"""SMS: Twilio's official client against a local server answering like its Messages API
(201, 429, 400); the console default; two segments at most; no number → e-mail, recorded."""

from datetime import UTC, datetime, timedelta

import pytest

from delivery.dispatch import dispatch_due
from delivery.messages import SMS_MAX_CHARACTERS, gsm7, sms_text
from delivery.models import Channel, ChannelPreference, ContactDetails, Delivery, DeliveryStatus
from delivery.sms import ConsoleSmsBackend
from notifications.models import Notification
from ptw.tests.test_escalation import submit

from .servers import INVALID, RATE_LIMITED

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def sms_verifier(user, number):
    """`user` takes verification requests by SMS only, at `number`."""
    ContactDetails.objects.create(user=user, mobile_number=number)
    ChannelPreference.objects.create(user=user, notification_type="ptw_verification", channel="sms", enabled=True)
    ChannelPreference.objects.create(user=user, notification_type="ptw_verification", channel="email", enabled=False)


def test_twilio_accepts_and_its_message_sid_is_recorded(twilio, project, creator, verifier, permit_type):
    sms_verifier(verifier, "+14155550123")
    permit = submit(project, creator, permit_type, at=NOW, verifier=verifier)

    report = dispatch_due(now=NOW)

    [sent] = twilio.sent
    assert report.sent == 1 and sent["To"] == "+14155550123" and sent["From"] == "+14155550100"
    assert sent["path"] == f"/2010-04-01/Accounts/{'AC' + '0' * 32}/Messages.json"
    assert permit.permit_number in sent["Body"] and sent["Body"].endswith(f"/dashboard/ptw/view/{permit.pk}")
    delivery = Delivery.objects.get(channel=Channel.SMS)
    assert (delivery.status, delivery.provider_id) == (DeliveryStatus.SENT, sent["sid"])


def test_a_rate_limited_sms_is_retried_later(twilio, project, creator, verifier, permit_type):
    sms_verifier(verifier, RATE_LIMITED)
    submit(project, creator, permit_type, at=NOW, verifier=verifier)

    report = dispatch_due(now=NOW)

    delivery = Delivery.objects.get(channel=Channel.SMS)
    assert report.retried == 1 and twilio.refused == [(429, RATE_LIMITED)]
    assert delivery.status == DeliveryStatus.QUEUED and delivery.next_attempt_at > NOW
    assert "Twilio 429" in delivery.last_error


def test_an_invalid_number_is_dead_at_once(twilio, project, creator, verifier, permit_type):
    sms_verifier(verifier, INVALID)
    submit(project, creator, permit_type, at=NOW, verifier=verifier)

    report = dispatch_due(now=NOW)
    later = dispatch_due(now=NOW + timedelta(days=1))

    delivery = Delivery.objects.get(channel=Channel.SMS)
    assert (report.dead, later.claimed, delivery.status) == (1, 0, DeliveryStatus.DEAD)
    assert "Twilio 400 (code 21211)" in delivery.last_error


def test_without_a_mobile_number_an_sms_goes_by_email_and_says_so(project, creator, verifier, permit_type):
    ChannelPreference.objects.create(user=verifier, notification_type="ptw_verification", channel="sms", enabled=True)
    ChannelPreference.objects.create(
        user=verifier, notification_type="ptw_verification", channel="email", enabled=False
    )

    submit(project, creator, permit_type, at=NOW, verifier=verifier)

    [delivery] = Delivery.objects.all()
    assert (delivery.channel, delivery.fallback_from, delivery.address) == (Channel.EMAIL, Channel.SMS, verifier.email)


def test_sms_and_email_wanted_without_a_number_make_one_email(project, creator, verifier, permit_type):
    ChannelPreference.objects.create(user=verifier, notification_type="ptw_verification", channel="sms", enabled=True)

    submit(project, creator, permit_type, at=NOW, verifier=verifier)

    assert list(Delivery.objects.values_list("channel", "fallback_from")) == [(Channel.EMAIL, "")]


def test_an_sms_keeps_to_two_gsm_segments_with_the_whole_link(settings, project, creator, verifier, permit_type):
    settings.SITE_URL = "https://permits.example-refinery-operations.com"
    permit = submit(project, creator, permit_type, at=NOW, verifier=verifier)
    permit.title = "Hot work — welding on the tank farm's north manifold × 3 " * 6
    notification = Notification.objects.get(notification_type="ptw_verification")
    notification.data["about"] = f"{permit.permit_number} ({permit.title})"

    text = sms_text(notification, now=NOW + timedelta(hours=2))

    assert len(text) <= SMS_MAX_CHARACTERS and gsm7(text) == text
    assert text.endswith(f"https://permits.example-refinery-operations.com/dashboard/ptw/view/{permit.pk}")
    assert text.startswith(f"Verification required: {permit.permit_number} (Hot work - welding")  # the number once
    assert text.count(permit.permit_number) == 1 and "Waiting 2 hours" in text


def test_the_console_backend_logs_the_text(caplog):
    with caplog.at_level("INFO", logger="delivery.sms"):
        provider_id = ConsoleSmsBackend().send(to="+14155550123", body="Hello", key="delivery-7")
    assert provider_id == "console-delivery-7" and "+14155550123: Hello" in caplog.text
