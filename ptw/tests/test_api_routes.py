"""The action routes are derived from the declarations, under the names and paths the specification fixes."""

import re

import pytest
from django.urls import resolve, reverse

from ptw.actions import ACTIONS
from ptw.api import views_workflow


@pytest.mark.parametrize(
    ("path", "view"),
    [
        ("workflow/initiate/", "initiate_workflow"),
        ("workflow/assign-verifier/", "assign_verifier"),
        ("workflow/verify/", "verify_permit"),
        ("workflow/approve/", "approve_permit"),
    ],
)
def test_the_specifications_workflow_views_answer_at_their_paths(path, view):
    match = resolve(f"/api/v1/ptw/permits/7/{path}")

    assert match.func is getattr(views_workflow, view)


def test_every_routed_action_has_its_route_and_route_name():
    routed = {action.name: action for action in ACTIONS.values() if action.route is not None}

    names = {
        name: reverse(f"ptw-api:{action.target.url_name}-{action.route}", kwargs=_ids(action))
        for name, action in routed.items()
    }

    assert names == {
        "initiate": "/api/v1/ptw/permits/7/workflow/initiate/",
        "assign_verifier": "/api/v1/ptw/permits/7/workflow/assign-verifier/",
        "verify": "/api/v1/ptw/permits/7/workflow/verify/",
        "assign_approver": "/api/v1/ptw/permits/7/workflow/assign-approver/",
        "approve": "/api/v1/ptw/permits/7/workflow/approve/",
        "activate": "/api/v1/ptw/permits/7/workflow/activate/",
        "complete": "/api/v1/ptw/permits/7/workflow/complete/",
        "suspend": "/api/v1/ptw/permits/7/workflow/suspend/",
        "resume": "/api/v1/ptw/permits/7/workflow/resume/",
        "cancel": "/api/v1/ptw/permits/7/workflow/cancel/",
        "resubmit": "/api/v1/ptw/permits/7/workflow/resubmit/",
        "isolate_point": "/api/v1/ptw/permits/7/isolation/3/isolate/",
        "verify_isolation": "/api/v1/ptw/permits/7/isolation/3/verify/",
        "deisolate_point": "/api/v1/ptw/permits/7/isolation/3/deisolate/",
        "acknowledge_escalation": "/api/v1/ptw/permits/7/steps/3/acknowledge/",
        "reassign_step": "/api/v1/ptw/permits/7/steps/3/reassign/",
        "take_over_step": "/api/v1/ptw/permits/7/steps/3/take-over/",
        "request_extension": "/api/v1/ptw/permits/7/workflow/request-extension/",
        "decide_extension": "/api/v1/ptw/permits/7/extensions/3/decide/",
        "request_handover": "/api/v1/ptw/permits/7/workflow/request-handover/",
        "accept_handover": "/api/v1/ptw/permits/7/handovers/3/accept/",
        "decline_handover": "/api/v1/ptw/permits/7/handovers/3/decline/",
    }


def _ids(action) -> dict[str, int]:
    """The permit 7 and, for an action on one of its parts, the part 3 (named as in the target's path)."""
    return {"pk": 7, **dict.fromkeys(re.findall(r"<int:(\w+)>", action.target.path), 3)}
