"""Validity actions racing each other and the sweeps, on PostgreSQL's row locks (issue 15)."""

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connections, transaction

from notifications.models import Notification
from ptw.errors import IllegalTransition
from ptw.escalation import auto_expire_permits
from ptw.extensions import decide_extension, request_extension
from ptw.handover import accept_handover, decline_handover, request_handover
from ptw.models import ExtensionStatus, Permit, PermitEvent, PermitExtension, PermitStatus
from ptw.tests.conftest import at
from ptw.tests.factories import member

S = PermitStatus
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def in_threads(*work: Callable[[], object]) -> list[object]:
    """Run each callable in its own thread and connection; their results (or the exception raised)."""
    results: list[object] = [None] * len(work)

    def run(index: int) -> None:
        try:
            results[index] = work[index]()
        except Exception as error:  # the caller asserts on it
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.fixture
def asked(live_permit, creator):
    permit = live_permit(S.ACTIVE, end=at(17))
    extension = request_extension(permit=permit, by=creator, new_end=at(19), reason="Crane late.", now=at(16, 50))
    return permit, extension


def approve_as(user, permit, extension, *, now=at(16, 59) + timedelta(seconds=59)):  # noqa: B008
    return lambda: decide_extension(
        permit=Permit.objects.get(pk=permit.pk), by=user, extension=extension, approve=True, now=now
    )


def test_the_sweep_first_expires_the_permit_and_the_approval_is_refused(asked, approver):
    permit, extension = asked
    swept = threading.Event()

    def sweep_holding_its_locks():
        with transaction.atomic():  # the sweep's row locks last until this commits
            report = auto_expire_permits(now=at(17) + timedelta(seconds=1))
            swept.set()
        return report

    def approve_after_the_claim():
        swept.wait(timeout=60)
        return approve_as(approver, permit, extension)()  # waits for the sweep's lock, then reads "expired"

    report, refused = in_threads(sweep_holding_its_locks, approve_after_the_claim)

    assert report.counts["expired"] == 1 and isinstance(refused, IllegalTransition)
    permit.refresh_from_db()
    extension.refresh_from_db()
    assert (permit.status, permit.planned_end_time, extension.status) == (S.EXPIRED, at(17), ExtensionStatus.LAPSED)


def test_the_approval_first_moves_the_end_and_the_sweep_leaves_the_permit_alone(asked, approver):
    permit, extension = asked
    approved, swept = threading.Event(), threading.Event()

    def approve_holding_the_lock():
        with transaction.atomic():
            result = approve_as(approver, permit, extension)()
            approved.set()
            swept.wait(timeout=60)  # commit only once the sweep has run past the locked row
        return result

    def sweep_meanwhile():
        approved.wait(timeout=60)
        try:
            return auto_expire_permits(now=at(17) + timedelta(seconds=1))
        finally:
            swept.set()

    decided, report = in_threads(approve_holding_the_lock, sweep_meanwhile)

    assert isinstance(decided, PermitExtension) and report.counts.get("expired", 0) == 0
    assert auto_expire_permits(now=at(17) + timedelta(seconds=2)).counts.get("expired", 0) == 0  # no longer due
    permit.refresh_from_db()
    assert (permit.status, permit.planned_end_time) == (S.ACTIVE, at(19))


@pytest.mark.parametrize("round_", range(3))
def test_an_approval_and_the_sweep_at_the_same_instant_leave_one_consistent_outcome(asked, approver, round_):
    permit, extension = asked
    barrier = threading.Barrier(2)

    def together(work):
        def run():
            barrier.wait(timeout=60)
            return work()

        return run

    in_threads(together(approve_as(approver, permit, extension)), together(lambda: auto_expire_permits(now=at(17))))
    # a sweep that found the row locked skipped it; the next one (a minute later) decides
    auto_expire_permits(now=at(17, 1))

    permit.refresh_from_db()
    extension.refresh_from_db()
    assert (permit.status, permit.planned_end_time, extension.status) in {
        (S.EXPIRED, at(17), ExtensionStatus.LAPSED),
        (S.ACTIVE, at(19), ExtensionStatus.APPROVED),
    }


def test_two_people_approving_at_once_decide_once_and_the_holder_is_told_once(asked, approver, grade_a_admin):
    permit, extension = asked
    barrier = threading.Barrier(2)

    def approve(user):
        def run():
            barrier.wait(timeout=60)
            return approve_as(user, permit, extension, now=at(16, 55))()

        return run

    results = in_threads(approve(approver), approve(grade_a_admin))

    assert sorted(type(result).__name__ for result in results) == ["IllegalTransition", "PermitExtension"]
    assert PermitEvent.objects.filter(permit=permit, action="extension_approved").count() == 1
    assert Notification.objects.filter(notification_type="ptw_extension_approved").count() == 1


def test_an_accept_and_a_withdrawal_at_once_answer_the_handover_once(live_permit, creator, project):
    night_lead = member(project, username="night_lead")
    permit = live_permit(S.ACTIVE, end=at(17))
    handover = request_handover(permit=permit, by=creator, to_user=night_lead, now=at(14))
    barrier = threading.Barrier(2)

    def answer(service, user, **arguments):
        def run():
            barrier.wait(timeout=60)
            return service(
                permit=Permit.objects.get(pk=permit.pk), by=user, handover=handover, now=at(14, 5), **arguments
            )

        return run

    results = in_threads(
        answer(accept_handover, night_lead, confirmed_points=[]), answer(decline_handover, creator, comment="")
    )

    assert sorted(type(result).__name__ for result in results) in (
        ["ActionNotAllowed", "PermitHandover"],  # the withdrawal came first: nobody is incoming any more
        ["IllegalTransition", "PermitHandover"],  # (a status refusal, whichever way round)
    )
    handover.refresh_from_db()
    permit.refresh_from_db()
    answered = Notification.objects.filter(notification_type__in=["ptw_handover_accepted", "ptw_handover_declined"])
    assert answered.values("notification_type").distinct().count() == 1
    assert (permit.holder_user_id == night_lead.pk) == (handover.status == "accepted")
