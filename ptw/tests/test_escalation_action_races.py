"""PostgreSQL: acknowledging or reassigning while a sweep works on the same steps (issue 12).

Each action locks the permit, then the step; the sweep claims steps with SKIP LOCKED. Whichever
commits first, no notification is lost and none is sent twice.
"""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connections
from django.db.models import Count

from accounts.models import CompanyType
from notifications.models import Notification
from ptw.escalation import check_overdue_workflow_tasks
from ptw.escalation_actions import acknowledge_escalation, reassign_step
from ptw.models import Permit, WorkflowStep
from ptw.tests.factories import member

NOW = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
PERMITS = 60

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def together(*jobs):
    """Run each job in its own thread and connection, started at the same instant."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job):
        try:
            barrier.wait(timeout=30)
            job()
        except BaseException as error:  # surfaced below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors


def sweep():
    report = check_overdue_workflow_tasks(now=NOW)
    assert report.ok, report.errors


def no_duplicates():
    repeated = (
        Notification.objects.values("recipient", "notification_type", "data__permit_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not repeated.exists(), list(repeated)


def steps_of(ids):
    return {step.instance.permit_id: step for step in WorkflowStep.objects.filter(instance__permit_id__in=ids)}


def test_reassigning_while_a_sweep_runs_loses_and_duplicates_nothing(
    escalations_on, settings, seed_due_steps, project, grade_b_admin, grade_a_admin
):
    settings.PTW_SWEEP_BATCH_SIZE = 5  # many small batches: the sweep and the actions interleave
    ids = seed_due_steps(PERMITS, pending_since=NOW - timedelta(hours=9), now=NOW)
    other = member(project, username="verifier2", company_type=CompanyType.EPC)

    def reassign_all():
        for permit_id in ids:
            permit = Permit.objects.get(pk=permit_id)
            step = WorkflowStep.objects.get(instance__permit=permit)
            reassign_step(permit=permit, by=grade_b_admin, step=step, assignee=other, now=NOW)

    together(sweep, reassign_all)
    sweep()  # a later sweep at the same instant finds nothing left to send

    no_duplicates()
    told = Notification.objects.filter(recipient=other, notification_type="ptw_verification")
    assert sorted(told.values_list("data__permit_id", flat=True)) == sorted(ids)  # every new assignee told once
    for step in steps_of(ids).values():  # the reassignment's schedule stands, whatever the order
        assert (step.assignee_id, step.pending_since, step.next_check_at) == (other.pk, NOW, NOW + timedelta(hours=4))
    escalations = Notification.objects.filter(notification_type__in=("ptw_overdue", "ptw_escalated"))
    assert not escalations.filter(recipient=other).exists()  # the clock restarted for the new assignee


def test_acknowledging_while_a_sweep_escalates_loses_and_duplicates_nothing(
    escalations_on, seed_due_steps, project, verifier, grade_b_admin, grade_a_admin
):
    ids = seed_due_steps(PERMITS, pending_since=NOW - timedelta(hours=8), now=NOW - timedelta(hours=4))
    report = check_overdue_workflow_tasks(now=NOW - timedelta(hours=4))  # overdue for the verifier at 1×
    assert report.counts["notifications"] == PERMITS
    admins = {grade_a_admin.pk, grade_b_admin.pk}

    def acknowledge_all():
        for permit_id in ids:
            permit = Permit.objects.get(pk=permit_id)
            step = WorkflowStep.objects.get(instance__permit=permit)
            acknowledge_escalation(permit=permit, by=verifier, step=step, note="waiting for the gas test", now=NOW)

    together(sweep, acknowledge_all)
    sweep()

    no_duplicates()
    escalated = set(
        Notification.objects.filter(notification_type="ptw_escalated").values_list("data__permit_id", "recipient")
    )
    acknowledged = set(
        Notification.objects.filter(notification_type="ptw_escalation_acknowledged").values_list(
            "data__permit_id", "recipient"
        )
    )
    # Escalated first: the admins were told and then learn who took it. Acknowledged first: the
    # escalation waits for the hold, and nobody beyond the verifier was reached to be told.
    assert escalated == acknowledged
    assert {recipient for _, recipient in escalated} <= admins
    held = [step for step in steps_of(ids).values() if (step.instance.permit_id, grade_a_admin.pk) not in escalated]
    assert all(step.next_check_at == NOW + timedelta(hours=1) for step in held)
