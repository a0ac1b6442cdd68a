"""The specification's Example 1 over HTTP: each person's inbox after each step, nobody else's."""

from collections import Counter
from datetime import timedelta

import pytest

from ptw.tests.conftest import API

INBOX = "/api/v1/notifications/"


@pytest.fixture
def people(creator, verifier, approver, grade_a_admin, grade_b_admin, outsider):
    return {
        "creator": creator,
        "verifier": verifier,
        "approver": approver,
        "grade_a_admin": grade_a_admin,
        "grade_b_admin": grade_b_admin,
        "outsider": outsider,
    }


@pytest.fixture
def check_inboxes(people, client_for):
    """check_inboxes(permit_id, expected) — everyone's inbox, read through the inbox API.

    `expected` maps a person to the notification types they hold so far; anyone absent holds
    nothing. Each notification is about the permit and names the actor as sender.
    """

    def check(permit_id: int, expected: dict[str, list[tuple[str, str | None]]]) -> None:
        for name, user in people.items():
            client = client_for(user)
            results = client.get(INBOX, {"page_size": 100}).json()["results"]
            got = Counter((item["notification_type"], (item["sender"] or {}).get("username")) for item in results)
            assert got == Counter(expected.get(name, [])), name
            assert all(item["data"]["permit_id"] == permit_id for item in results)
            assert all(item["link"] == f"/dashboard/ptw/view/{permit_id}" for item in results)
            assert client.get(INBOX + "unread-count/").json() == {"unread": len(results)}

    return check


def post(client, url, body=None):
    response = client.post(url, body or {}, format="json")
    assert response.status_code in (200, 201), response.json()
    return response.json()


def create_permit_over_http(client, project, permit_type, start_time):
    return post(
        client,
        f"{API}/permits/",
        {
            "project": project.pk,
            "permit_type": permit_type.pk,
            "title": "Replace valve V-101",
            "description": "Swap the leaking valve.",
            "location": "Unit 3",
            "planned_start_time": start_time.isoformat(),
            "planned_end_time": (start_time + timedelta(hours=8)).isoformat(),
        },
    )


def test_example_1_contractor_creates_permit(
    settings,
    client_for,
    check_inboxes,
    project,
    creator,
    verifier,
    approver,
    permit_type,
    start_time,
    people,
):
    # the system auto-assigns the project's default verifier on submission (step 3)
    settings.PTW_DEFAULT_VERIFIER_USERNAME = verifier.username
    as_creator, as_verifier, as_approver = client_for(creator), client_for(verifier), client_for(approver)
    expected = {}  # notification type → who got it

    # 1. the user creates a permit → ptw_created to the creator (their own confirmation)
    permit = create_permit_over_http(as_creator, project, permit_type, start_time)
    url = f"{API}/permits/{permit['id']}/workflow"
    expected["creator"] = [("ptw_created", None)]
    check_inboxes(permit["id"], expected)

    # 2. the user submits → ptw_submitted to the creator;
    # 3. the system auto-assigns the verifier → ptw_verification to the verifier
    assert post(as_creator, f"{url}/initiate/")["verifier"]["id"] == verifier.pk
    expected["creator"].append(("ptw_submitted", None))
    expected["verifier"] = [("ptw_verification", "creator")]
    check_inboxes(permit["id"], expected)

    # 4. the verifier approves (choosing the approver) → ptw_approval to the approver
    post(as_verifier, f"{url}/verify/", {"action": "approve", "comments": "Checked", "approver_id": approver.pk})
    expected["approver"] = [("ptw_approval", "verifier")]
    check_inboxes(permit["id"], expected)

    # 5. the approver approves → ptw_approved to the creator and the verifier
    assert post(as_approver, f"{url}/approve/", {"action": "approve", "comments": "Go"})["status"] == "approved"
    expected["creator"].append(("ptw_approved", "approver"))
    expected["verifier"].append(("ptw_approved", "approver"))
    check_inboxes(permit["id"], expected)

    # and on: the creator starts the work → ptw_activated to the approver (not to the actor)
    post(as_creator, f"{url}/activate/")
    expected["approver"].append(("ptw_activated", "creator"))
    check_inboxes(permit["id"], expected)

    # the creator completes it → ptw_completed to the verifier and the approver
    assert post(as_creator, f"{url}/complete/", {"comment": "Done"})["status"] == "completed"
    expected["verifier"].append(("ptw_completed", "creator"))
    expected["approver"].append(("ptw_completed", "creator"))
    check_inboxes(permit["id"], expected)


def test_manual_assignments_and_a_rejection_notify_the_right_people(
    client_for,
    check_inboxes,
    project,
    creator,
    verifier,
    approver,
    permit_type,
    start_time,
):
    as_creator, as_verifier, as_approver = client_for(creator), client_for(verifier), client_for(approver)
    permit = create_permit_over_http(as_creator, project, permit_type, start_time)
    url = f"{API}/permits/{permit['id']}/workflow"
    expected = {"creator": [("ptw_created", None)]}

    assert post(as_creator, f"{url}/initiate/")["verifier"] is None  # two eligible: the creator picks
    expected["creator"].append(("ptw_submitted", None))
    check_inboxes(permit["id"], expected)

    post(as_creator, f"{url}/assign-verifier/", {"verifier_id": verifier.pk})
    expected["verifier"] = [("ptw_verification", "creator")]
    check_inboxes(permit["id"], expected)

    post(as_verifier, f"{url}/verify/", {"action": "approve", "comments": "Checked"})
    check_inboxes(permit["id"], expected)  # no approver chosen yet: nobody to tell

    post(as_verifier, f"{url}/assign-approver/", {"approver_id": approver.pk})
    expected["approver"] = [("ptw_approval", "verifier")]
    check_inboxes(permit["id"], expected)

    post(as_approver, f"{url}/approve/", {"action": "reject", "comments": "Scaffold not inspected"})
    expected["creator"].append(("ptw_rejected", "approver"))
    check_inboxes(permit["id"], expected)
