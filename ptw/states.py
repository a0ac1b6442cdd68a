"""The permit status machine: one table of allowed transitions (DESIGN.md)."""

from django.db import models


class PermitStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted (awaiting verification)"
    UNDER_REVIEW = "under_review", "Under review (awaiting approval)"
    APPROVED = "approved", "Approved"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    EXPIRED = "expired", "Expired"
    REJECTED = "rejected", "Rejected"


S = PermitStatus


def status_phrase(status: str) -> str:
    """A status as it reads in a sentence: 'under_review' → 'under review (awaiting approval)'."""
    return PermitStatus(status).label.lower() if status in PermitStatus.values else status.replace("_", " ")


def statuses_phrase(statuses) -> str:
    """Several statuses in a sentence: 'active, cancelled or expired' ("nothing (it is final)" when empty)."""
    words = [status_phrase(status) for status in statuses]
    if not words:
        return "nothing (it is final)"
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


ALLOWED_TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.DRAFT: (S.SUBMITTED, S.CANCELLED),
    S.SUBMITTED: (S.UNDER_REVIEW, S.REJECTED, S.CANCELLED),
    S.UNDER_REVIEW: (S.APPROVED, S.REJECTED, S.CANCELLED),
    S.APPROVED: (S.ACTIVE, S.CANCELLED, S.EXPIRED),
    S.ACTIVE: (S.COMPLETED, S.SUSPENDED, S.EXPIRED, S.CANCELLED),
    S.SUSPENDED: (S.ACTIVE, S.CANCELLED, S.EXPIRED),
    S.REJECTED: (S.DRAFT,),
    S.COMPLETED: (),
    S.CANCELLED: (),
    S.EXPIRED: (),
}

# Permits whose work may be under way or about to start: they can run past their end time.
LIVE_STATUSES = (S.APPROVED, S.ACTIVE, S.SUSPENDED)
# Permits somewhere in the verify/approve workflow.
IN_WORKFLOW_STATUSES = (S.SUBMITTED, S.UNDER_REVIEW)


def is_allowed(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED_TRANSITIONS.get(from_status, ())
