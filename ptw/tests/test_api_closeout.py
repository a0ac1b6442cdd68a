"""The closeout checklist over HTTP, and completion gated on it."""

import pytest

from ptw.models import PermitCloseout, PermitStatus
from ptw.tests.conftest import permit_url

S = PermitStatus


@pytest.fixture
def active_permit(permit_in, gated_type):
    gated_type.requires_structured_isolation = False
    gated_type.save()
    return permit_in(S.ACTIVE, permit_type=gated_type)


def _patch(client, permit, body):
    return client.patch(permit_url(permit, "closeout/"), body, format="json")


def test_reading_the_checklist_before_the_work_starts_shows_the_template_and_writes_nothing(
    client_for, permit_in, gated_type, creator
):
    permit = permit_in(S.DRAFT, permit_type=gated_type)

    response = client_for(creator).get(permit_url(permit, "closeout/"))

    assert response.status_code == 200
    assert [(item["key"], item["required"], item["done"]) for item in response.data["items"]] == [
        ("area_clean", True, False),
        ("tools_removed", True, False),
        ("photos", False, False),
    ]
    assert response.data["missing_required_items"] == ["Work area clean", "Tools removed"]
    assert not PermitCloseout.objects.exists()


def test_completion_waits_for_every_required_item_and_lists_the_open_ones(client_for, active_permit, creator):
    client = client_for(creator)

    refused = client.post(permit_url(active_permit, "workflow/complete/"), {}, format="json")
    assert refused.status_code == 409
    assert refused.data["missing"] == ["Work area clean", "Tools removed"]
    assert "Work area clean" in refused.data["detail"]

    ticked = _patch(
        client, active_permit, {"items": {"area_clean": {"done": True, "remarks": "Swept"}}, "remarks": "Nearly there"}
    )
    assert ticked.status_code == 200
    assert ticked.data["missing_required_items"] == ["Tools removed"] and ticked.data["remarks"] == "Nearly there"
    assert client.post(permit_url(active_permit, "workflow/complete/"), {}, format="json").data["missing"] == [
        "Tools removed"
    ]

    done = _patch(client, active_permit, {"items": {"tools_removed": {"done": True}}})
    assert done.data["is_complete"] and done.data["completed_by"]["id"] == creator.pk

    completed = client.post(permit_url(active_permit, "workflow/complete/"), {"comment": "All clear"}, format="json")
    assert completed.status_code == 200 and completed.data["status"] == S.COMPLETED


def test_unticking_a_required_item_clears_the_completion_stamp(client_for, active_permit, creator):
    client = client_for(creator)
    _patch(client, active_permit, {"items": {"area_clean": {"done": True}, "tools_removed": {"done": True}}})

    response = _patch(client, active_permit, {"items": {"tools_removed": {"done": False}}})

    assert response.data["is_complete"] is False
    assert response.data["completed_by"] is None and response.data["completed_at"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"items": {"no_such_item": {"done": True}}}, "items"),
        ({"items": {"area_clean": {"done": "maybe"}}}, "items"),
        ({"items": {"area_clean": {"done": True, "colour": "red"}}}, "items"),
        ({"items": ["area_clean"]}, "items"),
        ({"items": {"area_clean": {"remarks": "x" * 1001}}}, "items"),
        ({"remarks": "x" * 5001}, "remarks"),
    ],
)
def test_a_bad_checklist_change_is_a_400_and_nothing_is_ticked(body, field, client_for, active_permit, creator):
    before = list(PermitCloseout.objects.values_list("items", "remarks"))

    response = _patch(client_for(creator), active_permit, body)

    assert response.status_code == 400 and field in response.data
    assert list(PermitCloseout.objects.values_list("items", "remarks")) == before


def test_the_checklist_is_filled_only_while_the_work_is_live(client_for, permit_in, gated_type, creator):
    permit = permit_in(S.DRAFT, permit_type=gated_type)

    response = _patch(client_for(creator), permit, {"items": {"area_clean": {"done": True}}})

    assert response.status_code == 409
    assert not PermitCloseout.objects.exists()
