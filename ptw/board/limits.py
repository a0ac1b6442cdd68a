"""Step time limits as data the board's queries can use: one read of the active rules."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import F, Q

from ptw.models import EscalationLevel, EscalationRule
from ptw.models.escalation import EscalationAudience


@dataclass(frozen=True)
class StepLimits:
    """Hours allowed per (permit type id, step id); `default` where no active rule applies."""

    rules: dict[tuple[int, str], Decimal]
    default: Decimal

    def hours(self, permit_type_id: int, step_id: str) -> Decimal:
        return self.rules.get((permit_type_id, step_id), self.default)

    def delta(self, permit_type_id: int, step_id: str) -> timedelta:
        return timedelta(hours=float(self.hours(permit_type_id, step_id)))

    def overdue_q(self, now: datetime, *, prefix: str = "") -> Q:
        """Q over WorkflowStep (or a relation to it, via `prefix`) matching steps waiting past their limit.

        One branch per rule plus one for the default: the rules are few (types × steps), so the
        limit is resolved here rather than by a join per row, and the database compares
        `pending_since` with a constant in each branch.
        """
        type_field, step_field, since_field = (
            f"{prefix}{name}" for name in ("instance__permit__permit_type_id", "step_id", "pending_since")
        )
        overdue = Q()
        with_rule = Q()
        for (type_id, step_id), hours in self.rules.items():
            pair = Q(**{type_field: type_id, step_field: step_id})
            with_rule |= pair
            overdue |= pair & Q(**{f"{since_field}__lte": now - timedelta(hours=float(hours))})
        default = Q(**{f"{since_field}__lte": now - timedelta(hours=float(self.default))})
        return overdue | (~with_rule & default) if self.rules else default


def step_limits(project_id: int | None = None) -> StepLimits:
    """The active global rules' limits overridden by the project's, and the default (PTW_DEFAULT_ESCALATION_HOURS)."""
    active = EscalationRule.objects.filter(is_active=True).filter(Q(project__isnull=True) | Q(project_id=project_id))
    rules = {
        (type_id, step_id): Decimal(hours)
        for type_id, step_id, hours in active.order_by(F("project_id").asc(nulls_first=True)).values_list(
            "permit_type_id", "step_name", "time_limit_hours"
        )
    }  # the project's rows come last and win
    return StepLimits(rules=rules, default=Decimal(str(settings.PTW_DEFAULT_ESCALATION_HOURS)))


def escalation_level_numbers() -> list[int]:
    """The levels told to someone above the assignee, in any chain (by default level 2, at 2×)."""
    levels = EscalationLevel.objects.exclude(audience=EscalationAudience.ASSIGNEE)
    return sorted(set(levels.values_list("level", flat=True)))
