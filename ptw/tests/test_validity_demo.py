"""The demo shows each validity case (issue 15)."""

import pytest

from ptw.models import ExtensionStatus, HandoverStatus, Permit, PermitStatus
from ptw.validity import permit_validity

S = PermitStatus


@pytest.fixture
def demo(db, loaded_demo) -> str:
    return loaded_demo


def test_an_extended_permit_shows_its_chain_of_ends_and_a_rejected_request(demo):
    permit = Permit.objects.get(title="Hydro test of line HT-5")
    validity = permit_validity(permit)
    assert permit.status == S.ACTIVE and len(validity.chain) == 2
    assert [e.status for e in validity.history] == [ExtensionStatus.APPROVED, ExtensionStatus.REJECTED]


def test_an_extension_waits_for_its_decision(demo):
    permit = Permit.objects.get(title="Weld repair on steam line S-4")
    assert permit_validity(permit).pending is not None


def test_an_extension_pending_at_the_end_did_not_stop_expiry(demo):
    permit = Permit.objects.get(title="Desludge cooling tower CT-2 basin")
    assert permit.status == S.EXPIRED
    assert [e.status for e in permit_validity(permit).history] == [ExtensionStatus.LAPSED]


def test_a_permit_handed_over_has_its_new_holder_and_the_confirmations(demo):
    permit = Permit.objects.get(title="Splice belt on conveyor CV-7")
    [handover] = permit_validity(permit).handovers
    assert handover.status == HandoverStatus.ACCEPTED and permit.holder.username == "contractor_c"
    assert sorted(c.point_code for c in handover.confirmations.all()) == ["M-SWT-701", "P-VLV-501"]


def test_a_handover_waits_for_the_night_lead(demo):
    permit = Permit.objects.get(title="Replace aviation light on flare stack FS-1")
    assert permit_validity(permit).pending_handover is not None and permit.holder_id is None
