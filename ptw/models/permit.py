"""Permit types, permits and their audit trail."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from ..states import PermitStatus


class PermitCategory(models.TextChoices):
    HOT_WORK = "hot_work", "Hot work"
    ELECTRICAL = "electrical", "Electrical"
    CONFINED_SPACE = "confined_space", "Confined space"
    WORK_AT_HEIGHT = "work_at_height", "Work at height"
    COLD_WORK = "cold_work", "Cold work"
    EXCAVATION = "excavation", "Excavation"
    LIFTING = "lifting", "Lifting"


class RiskLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    EXTREME = "extreme", "Extreme"


class PermitType(models.Model):
    name = models.CharField(max_length=100, unique=True)
    category = models.CharField(max_length=30, choices=PermitCategory.choices)
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices, default=RiskLevel.MEDIUM)
    requires_structured_isolation = models.BooleanField(default=False)
    requires_closeout = models.BooleanField(default=True)
    default_validity_hours = models.PositiveSmallIntegerField(default=8)
    # The longest a permit of this type may run (planned end − planned start): a longer job is
    # several permits, each reviewed for its own conditions.
    max_validity_hours = models.PositiveSmallIntegerField(
        default=24, validators=[MinValueValidator(1), MaxValueValidator(24 * 31)]
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Permit(models.Model):
    # Set from the primary key right after the insert, in the same transaction.
    permit_number = models.CharField(max_length=30, unique=True, null=True, blank=True, editable=False)
    permit_type = models.ForeignKey(PermitType, on_delete=models.PROTECT, related_name="permits")
    project = models.ForeignKey("accounts.Project", on_delete=models.PROTECT, related_name="permits")
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=5000, blank=True)
    location = models.CharField(max_length=200)
    planned_start_time = models.DateTimeField()
    planned_end_time = models.DateTimeField()
    actual_start_time = models.DateTimeField(null=True, blank=True)
    actual_end_time = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=PermitStatus.choices, default=PermitStatus.DRAFT)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="permits_created")
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="permits_to_verify",
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="permits_to_approve",
    )

    # Written by the services from the `now` they are given (no auto_now: it would read the clock).
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end_time__gt=F("planned_start_time")),
                name="permit_end_after_start",
            ),
        ]
        indexes = [
            # Permit list: "permits of my projects with status X", newest first.
            models.Index(fields=["project", "status", "-created_at"], name="permit_project_status"),
            # Permit list of one project, sorted by a column (newest first by default), LIMIT one page:
            # each walks its index in order and stops at the page, whatever the project's size.
            models.Index(fields=["project", "-created_at", "-id"], name="permit_project_created"),
            models.Index(fields=["project", "planned_end_time", "id"], name="permit_project_end"),
            models.Index(fields=["project", "planned_start_time", "id"], name="permit_project_start"),
            models.Index(fields=["project", "permit_number"], name="permit_project_number"),
            models.Index(fields=["project", "title", "id"], name="permit_project_title"),
            # Expiry and closeout sweeps: "live permits whose end time is before T".
            models.Index(fields=["status", "planned_end_time"], name="permit_status_end"),
        ]

    def __str__(self) -> str:
        return f"{self.permit_number or 'PTW (unnumbered)'} — {self.title}"

    def get_absolute_url(self) -> str:
        return f"/dashboard/ptw/view/{self.pk}"


class PermitEvent(models.Model):
    """Audit trail: every status change (and every other workflow action) of a permit."""

    permit = models.ForeignKey(Permit, on_delete=models.CASCADE, related_name="events")
    # Null actor means "system" (e.g. the expiry job).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, choices=PermitStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=PermitStatus.choices, blank=True)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["permit", "created_at"], name="permitevent_permit_time")]

    def __str__(self) -> str:
        who = self.actor or "system"
        return f"{self.permit_id}: {self.action} {self.from_status}→{self.to_status} by {who}"

    @property
    def actor_name(self) -> str:
        return self.actor.display_name if self.actor else "system"
