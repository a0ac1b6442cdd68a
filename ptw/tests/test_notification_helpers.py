"""The notify_* helpers (ptw/notification_utils.py): who is told, in which words, with what data, once."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from notifications.models import Notification
from ptw.notification_utils import (
    EndWarning,
    PermitFacts,
    create_ptw_notification,
    notify_approver_assigned,
    notify_closeout_required,
    notify_isolation_pending,
    notify_permit_activated,
    notify_permit_completed,
    notify_permit_expiring,
    notify_permit_rejected,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def facts(permit_in, verifier, approver):
    permit = permit_in("under_review")
    return PermitFacts.of(permit)


def inbox(event_type):
    """What the helpers under test wrote (not what walking the permit to its status wrote)."""
    return Notification.objects.filter(notification_type=event_type, created_at=NOW).order_by("recipient__username")


def test_a_rejection_tells_the_creator_at_which_stage_and_why_once_per_stage(facts, creator, verifier):
    notify_permit_rejected(facts, stage="verification", reason="No gas test.", sender_id=verifier.pk, now=NOW)
    notify_permit_rejected(facts, stage="verification", reason="Again.", sender_id=verifier.pk, now=NOW)
    notify_permit_rejected(facts, stage="approval", sender_id=verifier.pk, now=NOW)

    rejections = list(inbox("ptw_rejected").order_by("id"))
    assert [(n.recipient_id, n.sender_id, n.data["stage"]) for n in rejections] == [
        (creator.pk, verifier.pk, "verification"),
        (creator.pk, verifier.pk, "approval"),
    ]
    assert (
        rejections[0].message
        == f"Permit {facts.number} ({facts.title}) was rejected at verification. Reason: No gas test."
    )
    assert rejections[1].message == f"Permit {facts.number} ({facts.title}) was rejected at approval."


def test_the_rejecting_creator_is_not_told_of_their_own_rejection(facts, creator):
    assert notify_permit_rejected(facts, stage="verification", sender_id=creator.pk, now=NOW) == []


def test_the_assigned_approver_is_told_by_whom_and_an_actor_assigning_themselves_is_not(facts, creator, approver):
    notify_approver_assigned(facts, approver.pk, sender_id=creator.pk, now=NOW)

    assert [(n.recipient_id, n.sender_id) for n in inbox("ptw_approval")] == [(approver.pk, creator.pk)]
    assert notify_approver_assigned(facts, approver.pk, sender_id=approver.pk, now=NOW) == []


def test_activation_and_completion_tell_the_people_of_the_permit_but_not_the_actor(facts, creator, verifier, approver):
    notify_permit_activated(facts, sender_id=approver.pk, now=NOW)
    notify_permit_completed(facts, sender_id=creator.pk, now=NOW)

    assert list(inbox("ptw_activated").values_list("recipient_id", flat=True)) == [creator.pk]
    assert sorted(inbox("ptw_completed").values_list("recipient_id", flat=True)) == sorted([verifier.pk, approver.pk])


def test_a_given_message_replaces_the_default_one(facts, verifier):
    notice = create_ptw_notification(verifier.pk, "ptw_verification", facts, message="Please look today.", now=NOW)

    assert notice is not None and notice.message == "Please look today."


def test_the_reminders_take_a_batch_and_tell_each_permits_people_in_one_insert(
    permit_in, creator, verifier, approver, django_assert_num_queries
):
    permits = [PermitFacts.of(permit_in("under_review")) for _ in range(3)]

    # who is still a member, the insert (+ NOTIFY on PostgreSQL), + the outbox: addresses, preferences, deliveries
    with django_assert_num_queries((3 if connection.vendor == "postgresql" else 2) + 3):
        created = notify_isolation_pending(permits, now=NOW)
    notify_closeout_required(permits, now=NOW)
    end = NOW + timedelta(minutes=15)
    warning = EndWarning(permits[0], 15, due_at=NOW, end=end, end_text="17:00", left_text="15 min")
    notify_permit_expiring([warning], now=NOW)

    assert len(created) == 6  # creator and verifier of each
    assert sorted(inbox("ptw_isolation_pending").values_list("recipient_id", "data__permit_id")) == sorted(
        (user, permit.id) for permit in permits for user in (creator.pk, verifier.pk)
    )
    assert sorted(inbox("ptw_closeout_required").values_list("data__permit_id", flat=True)) == sorted(
        permit.id for permit in permits
    )
    assert sorted(inbox("ptw_expiring").values_list("recipient_id", "data__permit_id")) == sorted(
        [(creator.pk, permits[0].id), (approver.pk, permits[0].id)]
    )
    expiring = inbox("ptw_expiring").filter(recipient=creator).get()
    assert expiring.message == (
        f"Permit {permits[0].number} ({permits[0].title}) ends in 15 min, at 17:00. "
        "Finish and close out, or ask the approver for an extension."
    )
