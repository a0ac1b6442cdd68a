"""A site with a month of history, for the board's browser tests and screenshots (rows written directly)."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import CompanyType, Grade
from ptw.models import PermitIsolationPoint
from ptw.tests.board_fixtures import permit, record, step
from ptw.tests.factories import EscalationRuleFactory, IsolationPointFactory, PermitTypeFactory, member

ACTIVE = [
    ("Hot tap on cooling water header CW-2", "Pump house 2", 25, ("verified", "verified")),
    ("Terminate cables at substation SS-1", "Substation SS-1", 130, ("verified", "isolated")),
    ("Internal inspection of vessel V-301", "Vessel V-301", 320, ("verified", "verified", "verified")),
    ("Scaffold on pipe rack PR-3", "Pipe rack PR-3", 610, ()),
]


def seed_site(project, *, creator, verifier, approver) -> dict:
    """Live permits of every kind, waiting steps (two overdue) and 30 days of decided steps."""
    now = timezone.now()
    hot = PermitTypeFactory.create(name="Hot work", risk_level="extreme", requires_structured_isolation=True)
    electrical = PermitTypeFactory.create(name="Electrical work", risk_level="high", requires_structured_isolation=True)
    cold = PermitTypeFactory.create(name="Cold work", risk_level="low")
    EscalationRuleFactory(permit_type=hot, step_name="verification", time_limit_hours=2)
    EscalationRuleFactory(permit_type=electrical, step_name="approval", time_limit_hours=3)
    types = [hot, electrical, cold]
    admin = member(project, username="site_manager", company_type=CompanyType.CLIENT, grade=Grade.A, roles=("manager",))
    for index, (title, location, minutes, points) in enumerate(ACTIVE):
        live = permit(
            project,
            types[index % 3],
            creator,
            status="active",
            end=now + timedelta(minutes=minutes),
            title=title,
            location=location,
        )
        for state in points:
            PermitIsolationPoint.objects.create(
                permit=live, point=IsolationPointFactory.create(project=project), status=state, assigned_at=now
            )
    permit(
        project,
        cold,
        creator,
        status="suspended",
        end=now + timedelta(hours=4),
        title="Paint handrails T-101",
        location="Tank T-101",
    )
    permit(
        project,
        electrical,
        creator,
        status="approved",
        end=now + timedelta(minutes=50),
        title="Replace lighting W-1",
        location="Warehouse W-1",
    )
    waiting = [
        (hot, "verification", 5.2, verifier, "Weld repair on flare line F-12", "Flare line F-12"),
        (cold, "verification", 0.7, verifier, "Clean strainer S-4", "Pump bay 4"),
        (electrical, "approval", 4.1, approver, "Replace MCC-2 feeder 7 breaker", "MCC-2 room"),
        (hot, "verification", 0.3, None, "Grinding at loading bay 2", "Loading bay 2"),
    ]
    for permit_type, step_id, hours_waiting, assignee, title, location in waiting:
        status = "submitted" if step_id == "verification" else "under_review"
        held = permit(project, permit_type, creator, status=status, title=title, location=location)
        if step_id == "approval":
            step(held, "verification", since=now - timedelta(hours=9), decided=now - timedelta(hours=hours_waiting))
        pending = step(held, step_id, since=now - timedelta(hours=hours_waiting), assignee=assignee)
        if hours_waiting > 4:
            record(pending, level=2, local_date=timezone.localtime(now, project.tzinfo).date())
    for day in range(1, 30):
        decided = now - timedelta(days=day, hours=day % 5)
        for offset, permit_type in enumerate(types):
            done = permit(
                project,
                permit_type,
                creator,
                status="completed",
                end=decided + timedelta(hours=8),
                title=f"{permit_type.name.capitalize()} job {day}-{offset}",
                location=f"Unit {1 + (day + offset) % 6}",
            )
            taken = 0.4 + ((day * 7 + offset * 3) % 11) / 3
            verified = step(
                done, "verification", since=decided - timedelta(hours=taken + 2), decided=decided - timedelta(hours=2)
            )
            step(done, "approval", since=decided - timedelta(hours=2), decided=decided - timedelta(hours=2 - taken / 3))
            if taken > 2 * 2 and permit_type is hot:
                record(verified, level=2, local_date=timezone.localtime(decided, project.tzinfo).date())
    for status, title in [
        ("draft", "Excavate trench for cable route"),
        ("cancelled", "Crane lift at jetty"),
        ("rejected", "Entry into sump pit SP-2"),
        ("expired", "Lighting repair in warehouse W-1"),
    ]:
        permit(project, cold, creator, status=status, title=title, location="Unit 5", end=now - timedelta(hours=2))
    return {"admin": admin, "types": types, "now": now}
