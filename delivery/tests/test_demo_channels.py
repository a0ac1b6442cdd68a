"""The demo reaches people off-screen: every demo user has an e-mail address, the reviewers and
admins a mobile number, and its first sweep queues e-mails (and SMS where the rule says both)."""

import pytest
from django.utils import timezone

from accounts.models import User
from delivery.models import Channel, Delivery
from ptw.escalation import check_overdue_workflow_tasks


def test_demo_users_have_addresses_and_the_reviewers_and_admins_mobile_numbers(loaded_demo, db):
    users = User.objects.filter(memberships__project__code="DEMO").select_related("contact_details")
    assert all(user.email for user in users)
    with_mobile = {u.username for u in users if hasattr(u, "contact_details") and u.contact_details.mobile_number}
    assert {"epc_verifier", "epc_admin_b", "client_admin_a", "admin"} <= with_mobile


@pytest.mark.usefixtures("escalations_on")
def test_the_demo_s_first_sweep_queues_emails_and_sms(loaded_demo, db):
    check_overdue_workflow_tasks(now=timezone.now())

    channels = set(
        Delivery.objects.filter(notification_type__in=["ptw_overdue", "ptw_escalated"]).values_list(
            "channel", flat=True
        )
    )
    assert Channel.EMAIL in channels
    assert Delivery.objects.filter(notification_type="ptw_verification").exists()
