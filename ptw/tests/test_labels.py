"""User-facing sentences use labels, never internal codes or raw numbers."""

from decimal import Decimal

import pytest
from django.utils import timezone

from ptw.closeout import update_closeout
from ptw.models import EscalationRecord, PermitEvent, WorkflowStep
from ptw.states import status_phrase, statuses_phrase
from ptw.tests.factories import CloseoutTemplateFactory
from ptw.timeline import permit_timeline


def test_statuses_read_as_their_labels():
    assert status_phrase("under_review") == "under review (awaiting approval)"
    assert statuses_phrase(["active", "cancelled", "expired"]) == "active, cancelled or expired"
    assert statuses_phrase([]) == "nothing (it is final)"


def test_an_escalation_on_the_timeline_names_the_notice_and_hours_without_codes(permit_in):
    permit = permit_in("submitted")
    step = WorkflowStep.objects.get(instance__permit=permit)
    EscalationRecord.objects.create(
        permit=permit,
        step=step,
        level=1,
        event_type="ptw_overdue",
        reached_at=timezone.now(),
        local_date=timezone.now().date(),
        pending_hours=Decimal("1E+3"),
        recipient_ids=[],
    )

    entry = next(entry for entry in permit_timeline(permit) if entry.kind == "escalation")

    assert entry.title == "Verification step reached escalation level 1: task overdue"
    assert entry.detail == "Verification pending 1000 h"


@pytest.mark.parametrize("done", [True, False])
def test_a_closeout_change_on_the_timeline_uses_the_items_labels(permit_in, creator, permit_type, done):
    CloseoutTemplateFactory(
        permit_type=permit_type, items=[{"key": "fire_watch", "label": "Fire watch kept", "required": True}]
    )
    permit = permit_in("active")

    update_closeout(permit=permit, by=creator, items={"fire_watch": {"done": done}}, now=timezone.now())

    event = PermitEvent.objects.get(permit=permit, action="closeout_updated")
    assert event.comment == f"Fire watch kept: {'done' if done else 'not done'}"
