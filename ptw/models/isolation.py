"""Lockout/tagout: a project's library of isolation points and their use on permits."""

from django.conf import settings
from django.db import models


class PointType(models.TextChoices):
    VALVE = "valve", "Valve"
    BREAKER = "breaker", "Breaker"
    SWITCH = "switch", "Switch"
    DISCONNECT = "disconnect", "Disconnect"
    BLIND = "blind", "Blind / spade"
    OTHER = "other", "Other"


class EnergyType(models.TextChoices):
    ELECTRICAL = "electrical", "Electrical"
    MECHANICAL = "mechanical", "Mechanical"
    HYDRAULIC = "hydraulic", "Hydraulic"
    PNEUMATIC = "pneumatic", "Pneumatic"
    CHEMICAL = "chemical", "Chemical"
    THERMAL = "thermal", "Thermal"
    GRAVITATIONAL = "gravitational", "Gravitational"


class IsolationStatus(models.TextChoices):
    ASSIGNED = "assigned", "Assigned"
    ISOLATED = "isolated", "Isolated"
    VERIFIED = "verified", "Verified"
    DEISOLATED = "deisolated", "De-isolated"


ISOLATION_NEXT = {
    IsolationStatus.ASSIGNED: IsolationStatus.ISOLATED,
    IsolationStatus.ISOLATED: IsolationStatus.VERIFIED,
    IsolationStatus.VERIFIED: IsolationStatus.DEISOLATED,
}


class IsolationPoint(models.Model):
    project = models.ForeignKey("accounts.Project", on_delete=models.CASCADE, related_name="isolation_points")
    code = models.CharField(max_length=50)
    point_type = models.CharField(max_length=20, choices=PointType.choices)
    energy_type = models.CharField(max_length=20, choices=EnergyType.choices)
    location = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["project", "code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="isolationpoint_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.get_energy_type_display()}, {self.location})"


class PermitIsolationPoint(models.Model):
    permit = models.ForeignKey("ptw.Permit", on_delete=models.CASCADE, related_name="isolation_points")
    point = models.ForeignKey(IsolationPoint, on_delete=models.PROTECT, related_name="assignments")
    required = models.BooleanField(default=True)
    status = models.CharField(max_length=20, choices=IsolationStatus.choices, default=IsolationStatus.ASSIGNED)
    lock_count = models.PositiveSmallIntegerField(default=0)
    lock_ids = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True)
    assigned_at = models.DateTimeField()
    isolated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    isolated_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    deisolated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    deisolated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["permit", "point__code"]
        constraints = [
            models.UniqueConstraint(fields=["permit", "point"], name="permitisolation_unique_point"),
        ]

    def __str__(self) -> str:
        return f"{self.point.code} on permit {self.permit_id}: {self.status}"
