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


class PermitHandover(ValidityRequest):
    """A shift handover: the holder (`requested_by`) hands the permit to `to_user`, who accepts
    after confirming each isolation point still in place. Until then the outgoing holder answers."""

    permit = models.ForeignKey("ptw.Permit", on_delete=models.CASCADE, related_name="handovers")
    status = models.CharField(max_length=20, choices=HandoverStatus.choices, default=HandoverStatus.PENDING)
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["permit", "requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["permit"], condition=Q(status="pending"), name="permithandover_one_pending"
            ),
        ]
        indexes = [
            # Validity request check: "pending handovers whose next_check_at <= now".
            models.Index(
                fields=["next_check_at"],
                name="permithandover_due",
                condition=Q(status="pending", next_check_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Handover of permit {self.permit_id} to user {self.to_user_id} ({self.status})"


class HandoverConfirmation(models.Model):
    """The incoming holder confirmed this isolation point still in place when accepting a handover."""

    handover = models.ForeignKey(PermitHandover, on_delete=models.CASCADE, related_name="confirmations")
    assignment = models.ForeignKey("ptw.PermitIsolationPoint", on_delete=models.CASCADE, related_name="+")
    point_code = models.CharField(max_length=50)  # as it read then
    isolation_status = models.CharField(max_length=20)  # as it stood then (isolated or verified)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField()

    class Meta:
        ordering = ["handover", "point_code"]
        constraints = [
            models.UniqueConstraint(fields=["handover", "assignment"], name="handoverconfirmation_once_per_point"),
        ]

    def __str__(self) -> str:
        return f"{self.point_code} confirmed in place for handover {self.handover_id}"
