"""Escalation chains as data: the levels a pending step goes through (docs/architecture.md, "Escalations").

A rule's chain is its own active levels, else the global levels (those without a rule). Each
level is a multiple of the step's time limit, an audience and an event type; the chain's last
level may repeat every so many hours. Walking a chain is pure (no database): given when the
step became pending, its limit, who each level would reach and any acknowledgement hold, it
says which levels are reached now and when the next is due.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from .durations import format_hours
from .models import EscalationLevel, EscalationRule
from .models.escalation import EscalationAudience, notification_type_choices
from .models.workflow import STEP_ROLE, StepId

A = EscalationAudience


@dataclass(frozen=True)
class ChainLevel:
    """One level as the sweep reads it; `problem` says why it cannot be sent ("" when it can)."""

    level: int
    multiplier: Decimal
    event_type: str
    audience: str
    role: str = ""
    repeat_every: timedelta | None = None
    problem: str = ""

    @property
    def is_warning(self) -> bool:
        """Before the limit: a "due soon" warning, stale once the step is overdue."""
        return self.multiplier < 1


def chain_level(level: EscalationLevel) -> ChainLevel:
    """The level as plain data, with what is wrong with it if a bad row reached the database."""
    known_types = {value for value, _ in notification_type_choices()}
    problem = ""
    if level.event_type not in known_types:
        problem = f"Escalation level {level.level} has an unknown event type '{level.event_type}'."
    elif level.audience not in A.values:
        problem = f"Escalation level {level.level} has an unknown audience '{level.audience}'."
    elif level.audience == A.ROLE and not level.role:
        problem = f"Escalation level {level.level} names no role to tell."
    repeat = timedelta(hours=float(level.repeat_every_hours)) if level.repeat_every_hours else None
    return ChainLevel(
        level.level, Decimal(level.multiplier), level.event_type, level.audience, level.role, repeat, problem
    )


Chains = dict[int | None, list[ChainLevel]]


def load_chains(levels: Iterable[EscalationLevel] | None = None) -> Chains:
    """{rule id: its active levels; None: the global levels}, each by multiplier (one query)."""
    if levels is None:
        levels = EscalationLevel.objects.filter(is_active=True).order_by("multiplier", "level")
    chains: Chains = defaultdict(list)
    for level in levels:
        chains[level.rule_id].append(chain_level(level))
    return dict(chains)


def chain_of(chains: Chains, rule_id: int | None) -> list[ChainLevel]:
    """The rule's own levels, else the global ones."""
    return (chains.get(rule_id) if rule_id is not None else None) or chains.get(None, [])


@dataclass(frozen=True)
class Hold:
    """An acknowledgement: levels falling due from `since` until `until` wait until `until`."""

    since: datetime
    until: datetime


@dataclass(frozen=True)
class Reached:
    level: ChainLevel
    due: datetime  # when it fell due (after any pass-on or hold)
    repeat: int  # 0: the level itself; n: its n-th repeat
    recipient_ids: list[int]


def walk_chain(
    levels: list[ChainLevel],
    *,
    pending_since: datetime,
    limit: timedelta,
    now: datetime,
    recipients: Callable[[ChainLevel], list[int]],
    hold: Hold | None = None,
) -> tuple[list[Reached], datetime | None]:
    """The levels reached by `now` (with their recipients) and when the next one falls due.

    1. A level falls due at pending_since + limit × multiplier; a level with nobody to tell
       (or that cannot be sent) passes the chain on: the next one falls due at the same time.
    2. A level falling due while an acknowledgement holds waits until the hold ends; while it
       holds, nothing is reached at all.
    3. A warning (multiplier < 1) is no longer sent once the step is past its limit.
    4. The last level, once reached, repeats every `repeat_every`: only the latest repeat is
       reached (a sweep that was down does not send the missed ones one after another).
    """
    if hold is not None and now < hold.until:
        return [], hold.until
    reached: list[Reached] = []
    upcoming: list[datetime] = []
    passed_on_at: datetime | None = None
    for level in levels:
        due = pending_since + limit * float(level.multiplier)
        if passed_on_at is not None and passed_on_at < due:
            due = passed_on_at
        if hold is not None and hold.since <= due < hold.until:
            due = hold.until
        if due > now:  # (whether it has anyone to tell changes nothing before it falls due)
            upcoming.append(due)
            passed_on_at = None
            continue
        told = recipients(level) if not level.problem else []
        passed_on_at = due if not told else None
        if not (level.is_warning and now >= pending_since + limit):
            reached.append(Reached(level, due, 0, told))
    last = levels[-1] if levels else None
    if last is not None and last.repeat_every and reached and reached[-1].level is last:
        first = reached[-1]
        count = int((now - first.due) / last.repeat_every)
        if count >= 1:
            reached.append(Reached(last, first.due + count * last.repeat_every, count, first.recipient_ids))
        upcoming.append(first.due + (count + 1) * last.repeat_every)
    return reached, min(upcoming, default=None)


# --- Reading a chain -----------------------------------------------------------------------------


def audience_text(level: ChainLevel, *, step_role: str, rule_role: str) -> str:
    """Who a level tells, in the words of the rules page: "verifier", "safety_officer", "Grade A admins"."""
    if level.audience == A.ASSIGNEE:
        return step_role
    if level.audience == A.ESCALATION:
        return rule_role or "Grade A/B admins"
    if level.audience == A.GRADE_A:
        return "Grade A admins"
    return level.role or "(no role named)"


def chain_preview(
    levels: list[ChainLevel], *, title: str, limit_hours: Decimal, step_role: str, rule_role: str = ""
) -> str:
    """ "Hot Work verification, 4 h: 3 h → verifier; 4 h → verifier; 8 h → safety_officer; then every 2 h"."""
    parts = [
        f"{format_hours(limit_hours * level.multiplier)} h → "
        + audience_text(level, step_role=step_role, rule_role=rule_role)
        for level in levels
    ]
    text = f"{title}, {format_hours(limit_hours)} h: " + ("; ".join(parts) if parts else "nobody is told")
    if levels and levels[-1].repeat_every:
        hours = Decimal(str(levels[-1].repeat_every.total_seconds() / 3600))
        text += f"; then every {format_hours(hours)} h"
    return text


def rule_preview(rule: EscalationRule, chains: Chains) -> str:
    """The plain preview of a rule's chain (the rule's own levels, else the global ones)."""
    step = StepId(rule.step_name)
    return chain_preview(
        chain_of(chains, rule.pk),
        title=f"{rule.permit_type.name} {step.label.lower()}",
        limit_hours=Decimal(rule.time_limit_hours),
        step_role=STEP_ROLE[step],
        rule_role=rule.escalate_to_role,
    )
