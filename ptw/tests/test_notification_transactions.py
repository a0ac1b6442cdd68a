"""Notifications commit with the action: rolled back with it, published only after commit."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from notifications import live
from notifications.models import Notification
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
def published():
    """Everything the live hook publishes, as [(notification_id, recipient_id), ...]."""
    rows = []

    def record(created):
        rows.extend(created)

    live.subscribe(record)
    yield rows
    live.unsubscribe(record)


def test_a_transaction_that_fails_after_the_insert_leaves_no_notification(permit, creator, published):
    with pytest.raises(RuntimeError), transaction.atomic():  # noqa: PT012 (the rollback is the point)
        assert notes.notify_permit_submitted(PermitFacts.of(permit), now=timezone.now())  # inserted…
        assert Notification.objects.filter(notification_type="ptw_submitted").exists()
        raise RuntimeError("a later step failed")  # …and rolled back with the action
    assert not Notification.objects.filter(notification_type="ptw_submitted").exists()
    assert published == []


def test_a_workflow_action_failing_after_notifying_leaves_nothing(
    permit,
    creator,
    verifier,
    monkeypatch,
    published,
    django_capture_on_commit_callbacks,
):
    def fail(*args, **kwargs):
        raise RuntimeError("assignment failed")

    # initiate notifies the creator (ptw_submitted), then auto-assigns the sole verifier: fail there
    monkeypatch.setattr(workflow, "_assign", fail)
    before = set(Notification.objects.values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        workflow.initiate_workflow(permit=permit, by=creator, now=timezone.now())

    assert set(Notification.objects.values_list("pk", flat=True)) == before
    permit.refresh_from_db()
    assert permit.status == PermitStatus.DRAFT
    assert callbacks == [] and published == []


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
    workflow.initiate_workflow(permit=permit, by=creator, now=timezone.now())
    workflow.assign_verifier(permit=permit, by=creator, verifier=verifier, now=timezone.now())
    workflow.verify_permit(permit=permit, by=verifier, approve=True, approver=approver, now=timezone.now())
    workflow.approve_permit(permit=permit, by=approver, approve=True, now=timezone.now())

    permit.refresh_from_db()
    assert permit.status == PermitStatus.APPROVED
    assert permit.verifier_id == verifier.pk
    assert Notification.objects.count() == 0
    assert (
        notes.create_ptw_notification(verifier.pk, "ptw_verification", PermitFacts.of(permit), now=timezone.now())
        is None
    )


def test_live_delivery_is_published_only_after_commit(
    permit,
    creator,
    verifier,
    published,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        workflow.initiate_workflow(permit=permit, by=creator, now=timezone.now())
        assert published == []  # not yet committed: nothing pushed

    expected = set(
        Notification.objects.filter(notification_type__in=["ptw_submitted", "ptw_verification"]).values_list(
            "pk", "recipient_id"
        )
    )
    assert len(callbacks) == 2  # one per insert: the submission, then the auto-assignment
    assert set(published) == expected
    assert {recipient for _, recipient in published} == {creator.pk, verifier.pk}


def test_a_failing_publisher_does_not_fail_the_committed_action(
    permit,
    creator,
    verifier,
    published,
    django_capture_on_commit_callbacks,
):
    def broken(created):
        raise ConnectionError("push server down")

    live.subscribe(broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            workflow.initiate_workflow(permit=permit, by=creator, now=timezone.now())
    finally:
        live.unsubscribe(broken)

    assert Notification.objects.filter(recipient=verifier, notification_type="ptw_verification").exists()
    assert {recipient for _, recipient in published} == {creator.pk, verifier.pk}


def test_a_duplicate_is_not_published_again(permit, creator, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notes.notify_permit_submitted(PermitFacts.of(permit), now=timezone.now())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notes.notify_permit_submitted(PermitFacts.of(permit), now=timezone.now())
    assert callbacks == []
    assert len(published) == 1
