"""Demo data for `manage.py ptw_demo`: a project, its people, and permits at every stage.

Everything after the reference data is made through the services (create_permit,
initiate_workflow, verify_permit, ...) with `now=` in the past, so the audit events,
workflow steps, escalation schedule and notifications are the real ones. Idempotent:
keyed on the project code, usernames, names, codes and permit titles; a second run
changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from accounts.models import CompanyType, Grade, Membership, MembershipRole, Project, User
from delivery.models import ContactDetails

from . import closeout, demo_validity, escalation_actions, isolation, permits, workflow
from .escalation_rules import save_escalation_chain, save_escalation_rule
from .jobs.overdue import check_overdue_workflow_tasks
from .models import (
    CloseoutTemplate,
    EscalationLevel,
    EscalationRule,
    IsolationPoint,
    Permit,
    PermitCategory,
    PermitType,
    RiskLevel,
    WorkflowStep,
)
from .models.escalation import NotificationMethod
from .selectors import closeout_for

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 (the published demo password)
PROJECT_CODE = "DEMO"
PROJECT_NAME = "Demo Refinery"
PROJECT_TIME_ZONE = "Asia/Kolkata"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    company_type: str
    grade: str
    roles: tuple[str, ...] = ()
    superuser: bool = False
    mobile: str = ""  # E.164; SMS go to it (the console backend logs them)


DEMO_USERS = (
    DemoUser(
        "contractor_c",
        "Ravi",
        "Kumar",
        CompanyType.CONTRACTOR,
        Grade.C,
    ),
    DemoUser(
        "contractor_b",
        "Meena",
        "Iyer",
        CompanyType.CONTRACTOR,
        Grade.B,
    ),
    DemoUser(
        "epc_verifier",
        "Arjun",
        "Shah",
        CompanyType.EPC,
        Grade.C,
        mobile="+919876500001",
    ),
    DemoUser(
        "epc_admin_b",
        "Priya",
        "Nair",
        CompanyType.EPC,
        Grade.B,
        roles=("manager",),
        mobile="+919876500002",
    ),
    DemoUser(
        "client_approver",
        "Sanjay",
        "Rao",
        CompanyType.CLIENT,
        Grade.C,
    ),
    DemoUser(
        "client_admin_a",
        "Anita",
        "Desai",
        CompanyType.CLIENT,
        Grade.A,
        roles=("safety_officer",),
        mobile="+919876500003",
    ),
    DemoUser(
        "admin",
        "Site",
        "Administrator",
        CompanyType.CLIENT,
        Grade.A,
        superuser=True,
        mobile="+919876500004",
    ),
)

PERMIT_TYPES = {
    # name: (category, risk, requires structured isolation, default validity hours, closeout items)
    "Hot Work": (
        PermitCategory.HOT_WORK,
        RiskLevel.HIGH,
        False,
        8,
        [
            ("fire_watch", "Fire watch kept 30 minutes after work", True),
            ("hot_surfaces", "Hot surfaces cooled or barricaded", True),
            ("extinguishers", "Fire extinguishers returned", False),
        ],
    ),
    "Electrical Work": (
        PermitCategory.ELECTRICAL,
        RiskLevel.HIGH,
        True,
        8,
        [
            ("covers_refitted", "Covers and guards refitted", True),
            ("locks_removed", "Personal locks removed", True),
            ("test_run", "Equipment test-run witnessed", False),
        ],
    ),
    "Confined Space": (
        PermitCategory.CONFINED_SPACE,
        RiskLevel.EXTREME,
        True,
        8,
        [
            ("headcount", "Entrant headcount confirmed zero", True),
            ("tools_out", "Tools and materials removed", True),
            ("manway_closed", "Manway closed and tagged", True),
        ],
    ),
    "Work at Height": (
        PermitCategory.WORK_AT_HEIGHT,
        RiskLevel.HIGH,
        False,
        10,
        [
            ("scaffold_tagged", "Scaffold tagged or dismantled", True),
            ("dropped_objects", "No loose objects left aloft", True),
        ],
    ),
    "Cold Work": (
        PermitCategory.COLD_WORK,
        RiskLevel.LOW,
        False,
        12,
        [
            ("area_clean", "Work area clean", True),
            ("tools_removed", "Tools removed", True),
            ("photos", "Photos taken", False),
        ],
    ),
}

ISOLATION_POINTS = (
    # code, point type, energy type, location
    ("E-BRK-101", "breaker", "electrical", "Substation SS-1, panel A, feeder 3"),
    ("E-BRK-201", "breaker", "electrical", "MCC-2 room, incomer"),
    ("E-DSC-202", "disconnect", "electrical", "MCC-2 room, feeder 7 local isolator"),
    ("C-VLV-301", "valve", "chemical", "Vessel V-301 inlet block valve"),
    ("C-BLD-302", "blind", "chemical", "Vessel V-301 outlet flange"),
    ("T-VLV-601", "valve", "thermal", "Steam tracing header S-6"),
    ("P-VLV-501", "valve", "pneumatic", "Instrument air header IA-5"),
    ("H-VLV-401", "valve", "hydraulic", "Crane C-4 hydraulic power unit"),
    ("M-SWT-701", "switch", "mechanical", "Conveyor CV-7 local stop"),
)

# Rules that reach people by more than e-mail (the others: e-mail).
ESCALATION_RULE_METHODS = {("Electrical Work", "verification"): NotificationMethod.BOTH}

ESCALATION_RULES = (
    # permit type, step, hours, role
    ("Electrical Work", "verification", Decimal("4"), "manager"),
    ("Hot Work", "approval", Decimal("2"), "safety_officer"),
    ("Confined Space", "verification", Decimal("2"), "safety_officer"),
)

# "Confined Space verification, 2 h: 1.5 h → verifier; 2 h → verifier; 4 h → safety_officer;
# 6 h → Grade A admins; then every 2 h"
CHAIN_RULE = ("Confined Space", "verification")
CHAIN = (
    {"level": 1, "multiplier": Decimal("0.75"), "audience": "assignee", "event_type": "ptw_task_due_soon"},
    {"level": 2, "multiplier": Decimal("1"), "audience": "assignee", "event_type": "ptw_overdue"},
    {"level": 3, "multiplier": Decimal("2"), "audience": "escalation", "event_type": "ptw_escalated"},
    {
        "level": 4,
        "multiplier": Decimal("3"),
        "audience": "grade_a",
        "event_type": "ptw_escalated",
        "repeat_every_hours": Decimal("2"),
    },
)


@dataclass
class DemoResult:
    created: dict[str, int] = field(default_factory=dict)
    users: tuple[DemoUser, ...] = DEMO_USERS

    def count(self, what: str, created: bool) -> None:
        if created:
            self.created[what] = self.created.get(what, 0) + 1


@dataclass
class Demo:
    """What the permit scenarios need: the project, users by name, types by name, points by code."""

    project: Project
    now: datetime
    users: dict[str, User]
    types: dict[str, PermitType]
    points: dict[str, IsolationPoint]

    def ago(self, hours: float = 0, minutes: float = 0) -> datetime:
        return self.now - timedelta(hours=hours, minutes=minutes)

    def permit(
        self,
        title: str,
        type_name: str,
        *,
        by: str,
        at: datetime,
        start: datetime,
        hours: float,
        location: str,
        description: str = "",
    ) -> Permit:
        return permits.create_permit(
            by=self.users[by],
            project=self.project,
            permit_type=self.types[type_name],
            title=title,
            location=location,
            description=description,
            planned_start_time=start,
            planned_end_time=start + timedelta(hours=hours),
            now=at,
        )

    def submit(self, permit: Permit, *, at: datetime, verifier: str = "epc_verifier") -> None:
        workflow.initiate_workflow(permit=permit, by=permit.created_by, now=at)
        if permit.verifier_id is None:  # not auto-assigned (several eligible verifiers)
            workflow.assign_verifier(
                permit=permit, by=permit.created_by, verifier=self.users[verifier], now=at + timedelta(minutes=5)
            )

    def verify(
        self, permit: Permit, *, at: datetime, approver: str = "client_approver", by: str = "epc_verifier"
    ) -> None:
        workflow.verify_permit(
            permit=permit,
            by=self.users[by],
            approve=True,
            comments="Method statement and risk assessment checked.",
            approver=self.users[approver],
            now=at,
        )

    def approve(self, permit: Permit, *, at: datetime, by: str = "client_approver") -> None:
        workflow.approve_permit(
            permit=permit, by=self.users[by], approve=True, comments="Approved; toolbox talk before start.", now=at
        )

    def approved(self, permit: Permit, *, at: datetime) -> None:
        """Submit, verify and approve, 20 minutes apart, starting at `at`."""
        self.submit(permit, at=at)
        self.verify(permit, at=at + timedelta(minutes=20))
        self.approve(permit, at=at + timedelta(minutes=40))

    def isolate(self, permit: Permit, codes: tuple[str, ...], *, at: datetime, verified: bool) -> None:
        """Assign points; isolate by the creator and, if `verified`, verify by the verifier."""
        for index, code in enumerate(codes):
            assignment = isolation.assign_isolation_point(
                permit=permit, by=permit.created_by, point=self.points[code], now=at
            )
            isolation.isolate_point(
                permit=permit,
                assignment=assignment,
                by=permit.created_by,
                lock_ids=[f"L-{permit.pk:03d}-{index + 1}"],
                now=at + timedelta(minutes=5),
            )
            if verified:
                isolation.verify_isolation(
                    permit=permit,
                    assignment=assignment,
                    by=self.users["epc_verifier"],
                    notes="Zero energy confirmed.",
                    now=at + timedelta(minutes=10),
                )

    def activate(self, permit: Permit, *, at: datetime) -> None:
        workflow.activate_permit(permit=permit, by=permit.created_by, now=at)

    def close_out(self, permit: Permit, *, at: datetime) -> None:
        items = {item["key"]: {"done": True} for item in closeout_for(permit).items}
        closeout.update_closeout(permit=permit, by=permit.created_by, items=items, remarks="Area handed back.", now=at)


# --- Permit scenarios: one or more per status. Title → builder(demo, title). ---


def _draft(d: Demo, title: str) -> None:
    d.permit(
        title,
        "Cold Work",
        by="contractor_b",
        at=d.ago(minutes=30),
        start=d.now + timedelta(days=1),
        hours=8,
        location="Pipe rack PR-3",
        description="Visual inspection of scaffold ties.",
    )


def _submitted(d: Demo, title: str) -> None:
    permit = d.permit(
        title,
        "Hot Work",
        by="contractor_c",
        at=d.ago(minutes=50),
        start=d.now + timedelta(hours=3),
        hours=6,
        location="Flare line F-12",
        description="Weld repair of a pinhole leak.",
    )
    d.submit(permit, at=d.ago(minutes=45))


def _submitted_escalated(d: Demo, title: str) -> None:
    """Verification pending 9 h against a 4 h rule: overdue at 4 h, escalated to the manager at 8 h."""
    permit = d.permit(
        title,
        "Electrical Work",
        by="contractor_c",
        at=d.ago(hours=10),
        start=d.now + timedelta(hours=2),
        hours=8,
        location="MCC-2 room",
        description="Replace the feeder 7 breaker; LOTO on the incomer and isolator.",
    )
    for code in ("E-BRK-201", "E-DSC-202"):
        isolation.assign_isolation_point(
            permit=permit, by=permit.created_by, point=d.points[code], now=d.ago(hours=9, minutes=50)
        )
    d.submit(permit, at=d.ago(hours=9, minutes=5))


def _submitted_acknowledged(d: Demo, title: str) -> None:
    """Verification pending 5 h on the Confined Space chain: escalated to the safety officer 1 h ago,
    who acknowledged it (the Grade A tier, at 6 h, waits). Needs ESCALATIONS_ENABLED (as `make demo`)."""
    permit = d.permit(
        title,
        "Confined Space",
        by="contractor_c",
        at=d.ago(hours=5, minutes=10),
        start=d.now + timedelta(hours=4),
        hours=6,
        location="Cooling tower basin CT-1",
        description="Inspect the basin after draining; gas test before entry.",
    )
    d.submit(permit, at=d.ago(hours=5, minutes=5))
    if not settings.ESCALATIONS_ENABLED:
        return
    check_overdue_workflow_tasks(now=d.ago(hours=1))  # the first scenario: the only step due then
    step = WorkflowStep.objects.get(instance__permit=permit, status="pending")
    escalation_actions.acknowledge_escalation(
        permit=permit,
        by=d.users["client_admin_a"],
        step=step,
        note="On it — calling Arjun, he is at the cooling tower.",
        now=d.ago(minutes=45),
    )


def _under_review(d: Demo, title: str) -> None:
    """Approval pending 5 h against a 2 h rule: escalated to the safety officer."""
    permit = d.permit(
        title,
        "Hot Work",
        by="contractor_c",
        at=d.ago(hours=7),
        start=d.now + timedelta(hours=1),
        hours=8,
        location="Cooling water header CW-2",
        description='Hot tap a 2" branch.',
    )
    d.submit(permit, at=d.ago(hours=6, minutes=30))
    d.verify(permit, at=d.ago(hours=5))


def _approved(d: Demo, title: str) -> None:
    permit = d.permit(
        title,
        "Work at Height",
        by="contractor_c",
        at=d.ago(hours=3),
        start=d.now + timedelta(hours=1),
        hours=8,
        location="Tank T-101 roof",
    )
    d.approved(permit, at=d.ago(hours=2))


def _active_expiring(d: Demo, title: str) -> None:
    """Electrical, isolation verified, ends in 45 minutes with its closeout still open."""
    permit = d.permit(
        title,
        "Electrical Work",
        by="contractor_c",
        at=d.ago(hours=8),
        start=d.ago(hours=4),
        hours=4.75,
        location="Substation SS-1",
        description="Terminate new cables on panel A feeder 3.",
    )
    d.isolate(permit, ("E-BRK-101",), at=d.ago(hours=7, minutes=30), verified=True)
    d.approved(permit, at=d.ago(hours=7))
    d.activate(permit, at=d.ago(hours=4))


def _active(d: Demo, title: str) -> None:
    permit = d.permit(
        title,
        "Confined Space",
        by="contractor_c",
        at=d.ago(hours=6),
        start=d.ago(hours=2),
        hours=8,
        location="Vessel V-301",
        description="Internal inspection; gas test every 2 h.",
    )
    d.isolate(permit, ("C-VLV-301", "C-BLD-302", "T-VLV-601"), at=d.ago(hours=5), verified=True)
    d.approved(permit, at=d.ago(hours=4))
    d.activate(permit, at=d.ago(hours=2))


def _suspended(d: Demo, title: str) -> None:
    permit = d.permit(
        title,
        "Work at Height",
        by="contractor_c",
        at=d.ago(hours=6),
        start=d.ago(hours=3),
        hours=8,
        location="Pipe bridge PB-1",
    )
    d.approved(permit, at=d.ago(hours=5))
    d.activate(permit, at=d.ago(hours=3))
    workflow.suspend_permit(
        permit=permit, by=d.users["client_approver"], comment="High wind: gusts above 40 km/h.", now=d.ago(hours=1)
    )


def _completed(d: Demo, title: str) -> None:
    permit = d.permit(
        title,
        "Cold Work",
        by="contractor_c",
        at=d.ago(hours=30),
        start=d.ago(hours=26),
        hours=6,
        location="Pump house, P-104",
    )
    d.approved(permit, at=d.ago(hours=28))
    d.activate(permit, at=d.ago(hours=26))
    d.close_out(permit, at=d.ago(hours=21, minutes=30))
    workflow.complete_permit(permit=permit, by=permit.created_by, comment="Pump back in service.", now=d.ago(hours=21))


def _cancelled(d: Demo, title: str) -> None:
    permit = d.permit(
        title,
        "Hot Work",
        by="contractor_c",
        at=d.ago(hours=5),
        start=d.now + timedelta(days=2),
        hours=4,
        location="Loading bay 2",
    )
    d.submit(permit, at=d.ago(hours=4, minutes=30))
    workflow.cancel_permit(
        permit=permit, by=permit.created_by, comment="Job re-planned for next week.", now=d.ago(hours=4)
    )


def _rejected(d: Demo, title: str) -> None:
    permit = d.permit(
        title,
        "Confined Space",
        by="contractor_c",
        at=d.ago(hours=4),
        start=d.now + timedelta(hours=5),
        hours=4,
        location="Sump pit SP-2",
    )
    d.submit(permit, at=d.ago(hours=3, minutes=30))
    workflow.verify_permit(
        permit=permit,
        by=d.users["epc_verifier"],
        approve=False,
        comments="Gas test certificate and rescue plan missing.",
        now=d.ago(hours=3),
    )


def _expired(d: Demo, title: str) -> None:
    """Active past its end: expired by the system, as the expiry job would."""
    permit = d.permit(
        title,
        "Cold Work",
        by="contractor_b",
        at=d.ago(hours=14),
        start=d.ago(hours=12),
        hours=10,
        location="Warehouse W-1",
    )
    d.approved(permit, at=d.ago(hours=13))
    d.activate(permit, at=d.ago(hours=12))
    locked = Permit.objects.select_for_update().select_related("permit_type", "project").get(pk=permit.pk)
    workflow.expire_permit(permit=locked, now=d.ago(hours=1, minutes=55))


PERMIT_SCENARIOS: tuple[tuple[str, Callable[[Demo, str], None]], ...] = (
    # first: it runs the sweep at a past time, when no other scenario's step is due yet
    ("Inspect cooling tower basin CT-1", _submitted_acknowledged),
    ("Scaffold inspection on pipe rack PR-3", _draft),
    ("Weld repair on flare line F-12", _submitted),
    ("Replace MCC-2 feeder 7 breaker", _submitted_escalated),
    ("Hot tap on cooling water header CW-2", _under_review),
    ("Paint handrails on tank T-101 roof", _approved),
    ("Terminate cables at substation SS-1", _active_expiring),
    ("Internal inspection of vessel V-301", _active),
    ("Install cable tray on pipe bridge PB-1", _suspended),
    ("Replace gasket on pump P-104", _completed),
    ("Grinding at loading bay 2", _cancelled),
    ("Entry into sump pit SP-2", _rejected),
    ("Lighting repair in warehouse W-1", _expired),
    *demo_validity.SCENARIOS,
)


def seed_demo(*, now: datetime) -> DemoResult:
    """Create whatever of the demo data is missing; return what was created, by kind."""
    now = now.replace(second=0, microsecond=0)
    result = DemoResult()
    with transaction.atomic():
        project, created = Project.objects.get_or_create(
            code=PROJECT_CODE, defaults={"name": PROJECT_NAME, "time_zone": PROJECT_TIME_ZONE}
        )
        result.count("projects", created)
        users = {spec.username: _seed_user(spec, project, result) for spec in DEMO_USERS}
        types = _seed_permit_types(result)
        points = _seed_isolation_points(project, result)
        _seed_escalation_rules(project, types, result)
    demo = Demo(project=project, now=now, users=users, types=types, points=points)
    existing = set(Permit.objects.filter(project=project).values_list("title", flat=True))
    for title, build in PERMIT_SCENARIOS:
        if title in existing:
            continue
        with transaction.atomic():  # a scenario is all there or not at all
            build(demo, title)
        result.count("permits", True)
    return result


def _seed_user(spec: DemoUser, project: Project, result: DemoResult) -> User:
    user = User.objects.filter(username=spec.username).first()
    if user is None:
        user = User(
            username=spec.username,
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=f"{spec.username}@demo.example",
            is_staff=spec.superuser,
            is_superuser=spec.superuser,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        result.count("users", True)
    membership, created = Membership.objects.get_or_create(
        user=user, project=project, defaults={"company_type": spec.company_type, "grade": spec.grade}
    )
    result.count("memberships", created)
    if spec.mobile:
        _, created = ContactDetails.objects.get_or_create(user=user, defaults={"mobile_number": spec.mobile})
        result.count("mobile numbers", created)
    for role in spec.roles:
        _, created = MembershipRole.objects.get_or_create(membership=membership, name=role)
        result.count("roles", created)
    return user


def _seed_permit_types(result: DemoResult) -> dict[str, PermitType]:
    types = {}
    for name, (category, risk, isolated, hours, items) in PERMIT_TYPES.items():
        permit_type, created = PermitType.objects.get_or_create(
            name=name,
            defaults={
                "category": category,
                "risk_level": risk,
                "requires_structured_isolation": isolated,
                "requires_closeout": True,
                "default_validity_hours": hours,
            },
        )
        result.count("permit types", created)
        _, created = CloseoutTemplate.objects.get_or_create(
            permit_type=permit_type,
            name=f"{name} closeout",
            defaults={"items": [{"key": k, "label": label, "required": req} for k, label, req in items]},
        )
        result.count("closeout templates", created)
        types[name] = permit_type
    return types


def _seed_isolation_points(project: Project, result: DemoResult) -> dict[str, IsolationPoint]:
    points = {}
    for code, point_type, energy_type, location in ISOLATION_POINTS:
        point, created = IsolationPoint.objects.get_or_create(
            project=project,
            code=code,
            defaults={
                "point_type": point_type,
                "energy_type": energy_type,
                "location": location,
            },
        )
        result.count("isolation points", created)
        points[code] = point
    return points


def _seed_escalation_rules(project: Project, types: dict[str, PermitType], result: DemoResult) -> None:
    """The DEMO project's own rules (its Grade A admins see and change them); Confined Space's with a chain."""
    for type_name, step, hours, role in ESCALATION_RULES:
        permit_type = types[type_name]
        active = EscalationRule.objects.filter(project=project, permit_type=permit_type, step_name=step, is_active=True)
        if active.exists():
            continue
        rule = save_escalation_rule(
            rule=EscalationRule(
                project=project,
                permit_type=permit_type,
                step_name=step,
                time_limit_hours=hours,
                escalate_to_role=role,
                notification_method=ESCALATION_RULE_METHODS.get((type_name, step), NotificationMethod.EMAIL),
            ),
            by=None,
        )
        if (type_name, step) == CHAIN_RULE:
            save_escalation_chain(rule=rule, levels=[EscalationLevel(**level) for level in CHAIN], by=None)
        result.count("escalation rules", True)
