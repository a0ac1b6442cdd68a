"""The specification's Example 2 off-screen: the verifier's overdue e-mail at 4 h; at 8 h the
Grade A/B admins' escalation by e-mail and by SMS, because the rule says both. Real SMTP
server, Twilio's client against a local server answering like its Messages API."""

from datetime import UTC, datetime, timedelta

import pytest

from delivery.dispatch import dispatch_due
from delivery.messages import SMS_MAX_CHARACTERS
from delivery.models import Channel, ContactDetails, Delivery, DeliveryStatus
from ptw.escalation import check_overdue_workflow_tasks
from ptw.models import EscalationRule, StepId
from ptw.models.escalation import NotificationMethod
from ptw.tests.test_escalation import submit

NINE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def test_example_2_reaches_the_verifier_by_email_and_the_admins_by_email_and_sms(
    smtp, twilio, escalations_on, project, creator, verifier, grade_a_admin, grade_b_admin, permit_type
):
    EscalationRule.objects.create(
        permit_type=permit_type,
        step_name=StepId.VERIFICATION,
        time_limit_hours=4,
        notification_method=NotificationMethod.BOTH,
    )
    ContactDetails.objects.create(user=grade_a_admin, mobile_number="+919876543210")
    ContactDetails.objects.create(user=grade_b_admin, mobile_number="+447911123456")
    ContactDetails.objects.create(user=verifier, mobile_number="+14155550123")
    permit = submit(project, creator, permit_type, at=NINE, verifier=verifier)
    dispatch_due(now=NINE)  # the verification request itself
    smtp.received.clear()

    check_overdue_workflow_tasks(now=NINE + timedelta(hours=4))
    dispatch_due(now=NINE + timedelta(hours=4))

    overdue_mails = [m for m in smtp.received if "Task overdue" in m["Subject"]]
    assert [m["To"] for m in overdue_mails] == [verifier.email]
    assert [sms["To"] for sms in twilio.sent] == ["+14155550123"]  # the rule says both: the verifier too
    smtp.received.clear()
    twilio.sent.clear()

    check_overdue_workflow_tasks(now=NINE + timedelta(hours=8))
    dispatch_due(now=NINE + timedelta(hours=8))

    escalated = [m for m in smtp.received if "Task escalated" in m["Subject"]]
    assert sorted(m["To"] for m in escalated) == sorted([grade_a_admin.email, grade_b_admin.email])
    texts = {sms["To"]: sms["Body"] for sms in twilio.sent if "escalated" in sms["Body"]}
    assert set(texts) == {"+919876543210", "+447911123456"}
    link = f"/dashboard/ptw/view/{permit.pk}"
    for body in texts.values():
        assert permit.permit_number in body and body.split()[-1].split("#")[0].endswith(link)
        assert len(body) <= SMS_MAX_CHARACTERS and body.isascii()
    mail_text = escalated[0].get_body(("plain",)).get_content()
    assert "8 hours" in mail_text and "Waiting since: 02 Mar 2026, 09:00 UTC" in mail_text
    sms = Delivery.objects.filter(channel=Channel.SMS, notification_type="ptw_escalated")
    assert {d.status for d in sms} == {DeliveryStatus.SENT} and all(d.provider_id.startswith("SM") for d in sms)
