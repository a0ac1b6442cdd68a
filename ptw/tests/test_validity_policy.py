"""Who may take the validity actions (issue 15), straight from the policy: before and after a handover."""

import pytest

from ptw.actions import ACCEPT_HANDOVER, DECIDE_EXTENSION, DECLINE_HANDOVER, REQUEST_EXTENSION, REQUEST_HANDOVER, allows
from ptw.extensions import request_extension
from ptw.handover import accept_handover, request_handover
from ptw.models import PermitStatus
from ptw.policy import actor_for
from ptw.tests.conftest import at
from ptw.tests.test_policy import PEOPLE, bystander  # noqa: F401 (the fixture)

S = PermitStatus
VALIDITY_ACTIONS = (REQUEST_EXTENSION, DECIDE_EXTENSION, REQUEST_HANDOVER, ACCEPT_HANDOVER, DECLINE_HANDOVER)


@pytest.fixture
def people(request, creator, verifier, approver, grade_a_admin, grade_b_admin, bystander, outsider):  # noqa: F811
    return {name: request.getfixturevalue(name) for name in PEOPLE}


def who_may(permit, people):
    permit.refresh_from_db()
    return {
        action.name: {name for name, user in people.items() if allows(actor_for(user, permit), permit, action)}
        for action in VALIDITY_ACTIONS
    }


def test_on_an_active_permit_with_a_handover_and_an_extension_pending(live_permit, people, creator):
    permit = live_permit(S.ACTIVE, end=at(17))
    request_handover(permit=permit, by=creator, to_user=people["bystander"], now=at(10))
    request_extension(permit=permit, by=creator, new_end=at(18), reason="Rain.", now=at(10))

    assert who_may(permit, people) == {
        "request_extension": {"creator"},
        "decide_extension": {"approver", "grade_a_admin"},
        "request_handover": {"creator"},
        "accept_handover": {"bystander"},
        "decline_handover": {"creator", "bystander"},
    }


def test_after_the_handover_the_new_holder_holds_and_may_not_decide_their_own_extension(
    live_permit, people, creator, grade_a_admin
):
    permit = live_permit(S.ACTIVE, end=at(17))
    handover = request_handover(permit=permit, by=creator, to_user=grade_a_admin, now=at(10))
    accept_handover(permit=permit, by=grade_a_admin, handover=handover, confirmed_points=[], now=at(10, 5))

    assert who_may(permit, people) == {
        "request_extension": {"grade_a_admin"},
        "decide_extension": {"approver"},  # a Grade A admin who holds the permit does not decide for it
        "request_handover": {"grade_a_admin"},
        "accept_handover": set(),
        "decline_handover": {"grade_a_admin"},  # (the holder; nothing is pending, the service says 409)
    }


@pytest.mark.parametrize("status", [S.DRAFT, S.APPROVED, S.COMPLETED, S.EXPIRED])
def test_nobody_on_a_permit_that_is_not_live(live_permit, people, status):
    permit = live_permit(status, end=at(17))
    assert who_may(permit, people) == {action.name: set() for action in VALIDITY_ACTIONS}
