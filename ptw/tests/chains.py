"""Escalation chains for the tests: Example 2's 4 h verification with a warning, tiers and a repeat."""

from decimal import Decimal

from ptw.models import EscalationLevel


def level(number, multiplier, audience, event_type, **more) -> EscalationLevel:
    return EscalationLevel(
        level=number, multiplier=Decimal(str(multiplier)), audience=audience, event_type=event_type, **more
    )


def hot_work_chain() -> list[EscalationLevel]:
    """0.75× warning, 1× overdue, 2× the rule's role, 3× Grade A admins, then every 2 h."""
    return [
        level(1, 0.75, "assignee", "ptw_task_due_soon"),
        level(2, 1, "assignee", "ptw_overdue"),
        level(3, 2, "escalation", "ptw_escalated"),
        level(4, 3, "grade_a", "ptw_escalated", repeat_every_hours=Decimal(2)),
    ]
