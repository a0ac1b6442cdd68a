"""Hand mutations of the authorization code (docs/mutation.md, "Hand mutations"): apply one, run the
authorization tests, put the file back; print which test killed it, or SURVIVED.

    .venv/bin/python tools/hand_mutations.py            # all of them (about 30 min on 2 shared CPUs)
    .venv/bin/python tools/hand_mutations.py M6 M12     # some

Each mutation is (file, the exact text, its replacement); the text must occur once. The file is
restored whatever happens, but do not edit the mutated files while it runs.
"""

import pathlib
import subprocess
import sys

MUTATIONS = {
    "M1 actor_for: no project filter": (
        "ptw/policy.py",
        "Membership.objects.filter(user=user, project_id=permit.project_id, is_active=True).first()",
        "Membership.objects.filter(user=user, is_active=True).first()",
    ),
    "M2 actor_for: no active-membership filter": (
        "ptw/policy.py",
        "Membership.objects.filter(user=user, project_id=permit.project_id, is_active=True).first()",
        "Membership.objects.filter(user=user, project_id=permit.project_id).first()",
    ),
    "M3 membership_get: no project filter": (
        "accounts/selectors.py",
        "Membership.objects.filter(user=user, project_id=project_id, is_active=True)",
        "Membership.objects.filter(user=user, is_active=True)",
    ),
    "M4 eligible_reviewers: no active-membership filter": (
        "accounts/selectors.py",
        "            memberships__is_active=True,\n",
        "",
    ),
    "M5 permits_visible_to: no active-membership filter": (
        "ptw/selectors.py",
        "Permit.objects.filter(project__memberships__user=user, project__memberships__is_active=True)",
        "Permit.objects.filter(project__memberships__user=user)",
    ),
    "M6 pending-step lookup: no permit filter": (
        "ptw/policy.py",
        "WorkflowStep.objects.filter(instance__permit=self.permit, status=StepStatus.PENDING)",
        "WorkflowStep.objects.filter(status=StepStatus.PENDING)",
    ),
    "M7 Grade B admins weakened (is_project_admin = Grade A only)": (
        "accounts/models.py",
        "return self.grade in ADMIN_GRADES",
        "return self.grade == Grade.A",
    ),
    "M8 Grade B admins weakened (cancel: Grade A only)": (
        "ptw/actions.py",
        '    who=project_admin | creator,\n    label="cancel",',
        '    who=grade_a | creator,\n    label="cancel",',
    ),
    "M9 creator weakened (cancel)": (
        "ptw/actions.py",
        '    who=project_admin | creator,\n    label="cancel",',
        '    who=project_admin,\n    label="cancel",',
    ),
    "M10 creator weakened (submit)": (
        "ptw/actions.py",
        '    who=creator | grade_a,\n    label="submit",',
        '    who=grade_a,\n    label="submit",',
    ),
    "M11 creator weakened (assign verifier)": (
        "ptw/actions.py",
        '    who=creator | grade_a,\n    label="assign a verifier",',
        '    who=grade_a,\n    label="assign a verifier",',
    ),
    "M12 four eyes: verify without the other-part check": (
        "ptw/actions.py",
        "(assignee_of(StepId.VERIFICATION) | grade_a) & ~another_part(StepId.VERIFICATION)",
        "(assignee_of(StepId.VERIFICATION) | grade_a) & ~creator",
    ),
    "M13 four eyes: approve without the other-part check": (
        "ptw/actions.py",
        "(assignee_of(StepId.APPROVAL) | grade_a) & ~another_part(StepId.APPROVAL)",
        "(assignee_of(StepId.APPROVAL) | grade_a) & ~creator",
    ),
    "M14 four eyes: candidates keep other parts": (
        "ptw/selectors.py",
        "exclude_ids=holders)",
        "exclude_ids=[permit.created_by_id])",
    ),
    "M15 delivery: no membership filter": (
        "ptw/notification_utils.py",
        "    return [event for event in events if (event.user_id, event.permit.project_id) in members]",
        "    return list(events)",
    ),
    "M16 delivery: deactivated users kept": (
        "accounts/selectors.py",
        '        is_active=True,\n        user__is_active=True,\n    ).values_list("user_id", "project_id")',
        '        is_active=True,\n    ).values_list("user_id", "project_id")',
    ),
    "M17 sweep: a departed assignee still holds the step": (
        "ptw/jobs/overdue.py",
        "assignee_id if assignee_is_member else None",
        "assignee_id",
    ),
    "M18 refusal names the person": (
        "ptw/workflow.py",
        '        f"Not an eligible {STEP_ROLE[step_id]} for this permit',
        '        f"{assignee.username}: not an eligible {STEP_ROLE[step_id]} for this permit',
    ),
}
TESTS = [
    "ptw/tests/test_authorization_api.py",
    "web/tests/test_authorization_pages.py",
    "ptw/tests/test_four_eyes.py",
    "ptw/tests/test_delivery_to_members.py",
    "web/tests/test_four_eyes_pages.py",
]


def run_one(name: str, path: str, old: str, new: str) -> str:
    file = pathlib.Path(path)
    text = file.read_text()
    if text.count(old) != 1:
        return f"{name}: the text to mutate occurs {text.count(old)} times in {path}: update this table"
    file.write_text(text.replace(old, new))
    try:
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", "--no-header", *TESTS]
        lines = subprocess.run(command, capture_output=True, text=True).stdout.strip().splitlines()  # noqa: S603 (our own command)
    finally:
        file.write_text(text)
    failed = [line.removeprefix("FAILED ").split(" - ")[0] for line in lines if line.startswith("FAILED")]
    return f"{name}: {'KILLED by ' + failed[0] if failed else 'SURVIVED'} | {lines[-1] if lines else ''}"


def main(names: list[str]) -> int:
    survived = 0
    for name, (path, old, new) in MUTATIONS.items():
        if names and not any(name.split()[0] == wanted for wanted in names):
            continue
        line = run_one(name, path, old, new)
        survived += "SURVIVED" in line
        print(line, flush=True)
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
