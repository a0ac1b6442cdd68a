"""Reads of a permit's validity for its page: the chain of ends, the requests waiting, the limits, the handovers."""

from dataclasses import dataclass, field
from datetime import datetime

from .extensions import latest_end
from .models import ExtensionStatus, HandoverStatus, Permit, PermitExtension, PermitHandover


@dataclass(frozen=True)
class EndInChain:
    at: datetime
    how: str  # "planned" or "extended by <name>"


@dataclass
class Validity:
    end: datetime
    latest_end: datetime
    extensions_used: int
    extensions_allowed: int
    chain: list[EndInChain] = field(default_factory=list)  # the original end, then each approved one
    pending: PermitExtension | None = None
    history: list[PermitExtension] = field(default_factory=list)
    handovers: list[PermitHandover] = field(default_factory=list)
    pending_handover: PermitHandover | None = None


def permit_validity(permit: Permit) -> Validity:
    """The permit's ends, extension requests and handovers, oldest first (three queries)."""
    history = list(
        PermitExtension.objects.filter(permit=permit)
        .select_related("requested_by", "decided_by")
        .order_by("requested_at", "id")
    )
    handovers = list(
        PermitHandover.objects.filter(permit=permit)
        .select_related("requested_by", "to_user", "decided_by")
        .prefetch_related("confirmations")
        .order_by("requested_at", "id")
    )
    approved = [extension for extension in history if extension.status == ExtensionStatus.APPROVED]
    chain = [EndInChain(approved[0].previous_end if approved else permit.planned_end_time, "planned")]
    chain += [
        EndInChain(e.requested_end, f"extended, approved by {e.decided_by.display_name if e.decided_by else '—'}")
        for e in approved
    ]
    return Validity(
        end=permit.planned_end_time,
        latest_end=latest_end(permit),
        extensions_used=len(approved),
        extensions_allowed=permit.permit_type.max_extensions,
        chain=chain,
        pending=next((e for e in history if e.status == ExtensionStatus.PENDING), None),
        history=history,
        handovers=handovers,
        pending_handover=next((h for h in handovers if h.status == HandoverStatus.PENDING), None),
    )
