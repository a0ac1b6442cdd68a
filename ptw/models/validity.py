"""A permit's validity requests: extensions of its end, and shift handovers of its holder.

Both are asked by one person and answered by another while the permit is live; an unanswered
one escalates like a workflow step (ptw/jobs/validity_requests.py), from `next_check_at`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    LAPSED = "lapsed", "Lapsed (the permit ended first)"


class HandoverStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the incoming holder"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    LAPSED = "lapsed", "Lapsed (the permit ended first)"


class ValidityRequest(models.Model):
    """What an extension and a handover share: who asked, when, the answer, the escalation clock."""

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)
    # When the overdue check must look at it next (1×, then 2× its time limit); null once answered.
    next_check_at = models.DateTimeField(null=True, blank=True)
    # The highest escalation level already notified (0: none; 1: the answerer; 2: the admins).
    escalation_level = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True


class PermitExtension(ValidityRequest):
    permit = models.ForeignKey("ptw.Permit", on_delete=models.CASCADE, related_name="extensions")
    status = models.CharField(max_length=20, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    reason = models.TextField(max_length=2000)
    previous_end = models.DateTimeField()  # the permit's end when it was asked
    requested_end = models.DateTimeField()

    class Meta:
        ordering = ["permit", "requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["permit"], condition=Q(status="pending"), name="permitextension_one_pending"
            ),
            models.CheckConstraint(
                condition=Q(requested_end__gt=models.F("previous_end")), name="permitextension_moves_end_later"
            ),
        ]
        indexes = [
            # Validity request check: "pending extensions whose next_check_at <= now".
            models.Index(
                fields=["next_check_at"],
                name="permitextension_due",
                condition=Q(status="pending", next_check_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Extension of permit {self.permit_id} to {self.requested_end:%Y-%m-%d %H:%M} ({self.status})"
