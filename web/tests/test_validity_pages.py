"""The permit page's validity section: ask for an extension, the notice while it waits, the decision."""

from datetime import timedelta

import pytest

from ptw.models import ExtensionStatus, PermitExtension

from .conftest import login, offered_actions

pytestmark = pytest.mark.django_db


def act(client, permit, action, data):
    return client.post(f"/dashboard/ptw/view/{permit.pk}/actions/{action}/", data, follow=True)


def test_the_holder_asks_the_page_says_the_permit_still_expires_and_the_approver_decides(
    client, active, creator, approver
):
    new_end = active.planned_end_time.replace(second=0, microsecond=0) + timedelta(hours=2)
    asked = act(
        login(client, creator),
        active,
        "request_extension",
        {"request_extension-new_end": new_end.strftime("%Y-%m-%dT%H:%M"), "request_extension-reason": "Late crane."},
    )
    assert asked.status_code == 200
    assert "Until it is approved the permit still expires at" in asked.content.decode()
    extension = PermitExtension.objects.get(permit=active)

    page = login(client, approver).get(f"/dashboard/ptw/view/{active.pk}")
    assert "decide_extension" in offered_actions(page)
    decided = act(
        client,
        active,
        "decide_extension",
        {"decide_extension-extension": extension.pk, "decide_extension-decision": "approve"},
    )

    html = decided.content.decode()
    assert "Extension decision recorded." in html and 'id="end-chain"' in html
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.APPROVED


def test_a_request_without_a_reason_is_shown_again_with_its_error(client, active, creator):
    response = login(client, creator).post(
        f"/dashboard/ptw/view/{active.pk}/actions/request_extension/",
        {"request_extension-new_end": "2030-01-01T10:00", "request_extension-reason": ""},
    )
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    assert not PermitExtension.objects.exists()
