"""Notifications commit with the action: rolled back with it; open pages woken only at commit."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from notifications.models import Notification
from notifications.tests.listening import WakeupListener
from ptw import notification_utils as notes
from ptw import workflow
from ptw.models import PermitStatus
from ptw.notification_utils import PermitFacts
from ptw.permits import create_permit


@pytest.fixture
def permit(project, creator, permit_type):
    start = timezone.now() + timedelta(hours=1)
    return create_permit(
        by=creator,
        project=project,
        permit_type=permit_type,
        title="Replace valve",
        location="Unit 3",
        planned_start_time=start,
        planned_end_time=start + timedelta(hours=8),
        now=timezone.now(),
    )


@pytest.fixture
def wakeups(transactional_db):
    """The live wake-ups (PostgreSQL NOTIFY) this test's commits send."""
    listening = WakeupListener()
    yield listening
    listening.close()


def test_a_transaction_that_fails_after_the_insert_leaves_no_notification(permit, creator):
    with pytest.raises(RuntimeError), transaction.atomic():  # noqa: PT012 (the rollback is the point)
        assert notes.notify_permit_submitted(PermitFacts.of(permit), now=timezone.now())  # inserted…
        assert Notification.objects.filter(notification_type="ptw_submitted").exists()
        raise RuntimeError("a later step failed")  # …and rolled back with the action
    assert not Notification.objects.filter(notification_type="ptw_submitted").exists()


def test_a_workflow_action_failing_after_notifying_leaves_nothing(permit, creator, verifier, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("assignment failed")

    # initiate notifies the creator (ptw_submitted), then auto-assigns the sole verifier: fail there
    monkeypatch.setattr(workflow, "_assign", fail)
    before = set(Notification.objects.values_list("pk", flat=True))

    with pytest.raises(RuntimeError):
        workflow.initiate_workflow(permit=permit, by=creator, now=timezone.now())

    assert set(Notification.objects.values_list("pk", flat=True)) == before
    permit.refresh_from_db()
    assert permit.status == PermitStatus.DRAFT


def test_with_notifications_disabled_the_workflow_works_and_notifies_nobody(
    settings,
    project,
    creator,
    verifier,
    approver,
    permit_type,
):
    settings.NOTIFICATIONS_ENABLED = False
    start = timezone.now() + timedelta(hours=1)
    permit = create_permit(
        by=creator,
        project=project,
        permit_type=permit_type,
        title="Quiet job",
        location="Unit 1",
        planned_start_time=start,
        planned_end_time=start + timedelta(hours=2),
        now=timezone.now(),
    )
    now = timezone.now()
    workflow.initiate_workflow(permit=permit, by=creator, now=now)
    workflow.assign_verifier(permit=permit, by=creator, verifier=verifier, now=now)
    workflow.verify_permit(permit=permit, by=verifier, approve=True, approver=approver, now=now)
    workflow.approve_permit(permit=permit, by=approver, approve=True, now=now)

    permit.refresh_from_db()
    assert permit.status == PermitStatus.APPROVED
    assert permit.verifier_id == verifier.pk
    assert Notification.objects.count() == 0
    assert (
        notes.create_ptw_notification(verifier.pk, "ptw_verification", PermitFacts.of(permit), now=timezone.now())
        is None
    )


@pytest.mark.postgres
def test_open_pages_are_woken_only_when_the_action_commits(permit, creator, verifier, wakeups):
    with transaction.atomic():
        workflow.initiate_workflow(permit=permit, by=creator, now=timezone.now())
        assert wakeups.payloads(timeout=0.2) == []  # not yet committed: nobody woken

    # the submission (creator) and the auto-assignment (verifier), by user id only
    assert wakeups.recipients() == {creator.pk, verifier.pk}


@pytest.mark.postgres
def test_a_duplicate_wakes_nobody_again(permit, creator, wakeups):
    facts, now = PermitFacts.of(permit), timezone.now()
    notes.notify_permit_submitted(facts, now=now)
    assert wakeups.recipients() == {creator.pk}
    notes.notify_permit_submitted(facts, now=now)
    assert wakeups.payloads() == []
