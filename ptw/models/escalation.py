"""Escalation configuration (rules, levels), escalation history and job run records."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from .workflow import StepId


class NotificationMethod(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "SMS"
    BOTH = "both", "Email and SMS"


class EscalationRule(models.Model):
    """A step's time limit and escalation role: a project's own, else the global default (no project)."""

    # Null: a global default, used by projects without their own rule; only superusers edit those.
    project = models.ForeignKey(
        "accounts.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="escalation_rules"
    )
    permit_type = models.ForeignKey("ptw.PermitType", on_delete=models.CASCADE, related_name="escalation_rules")
    step_name = models.CharField(max_length=20, choices=StepId.choices)
    time_limit_hours = models.DecimalField(max_digits=6, decimal_places=2, validators=[MinValueValidator(0.1)])
    escalate_to_role = models.SlugField(max_length=50, blank=True)
    notification_method = models.CharField(
        max_length=10, choices=NotificationMethod.choices, default=NotificationMethod.EMAIL
    )
    is_active = models.BooleanField(default=True)
    # After someone acknowledges an escalation, the chain's next levels wait this long.
    acknowledgement_timeout_hours = models.DecimalField(
        max_digits=6, decimal_places=2, default=1, validators=[MinValueValidator(0.1)]
    )

    class Meta:
        ordering = ["permit_type", "step_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "permit_type", "step_name"],
                condition=Q(is_active=True, project__isnull=False),
                name="escalationrule_one_active_per_project_step",
                violation_error_message="This project already has an enabled rule for this permit type and step.",
            ),
            models.UniqueConstraint(
                fields=["permit_type", "step_name"],
                condition=Q(is_active=True, project__isnull=True),
                name="escalationrule_one_active_global_per_step",
                violation_error_message="There is already an enabled global rule for this permit type and step.",
            ),
        ]

    def __str__(self) -> str:
        scope = self.project.code if self.project_id and self.project else "All projects"
        return f"{scope} · {self.permit_type} / {self.get_step_name_display()}: {self.time_limit_hours} h"


class EscalationAudience(models.TextChoices):
    ASSIGNEE = "assignee", "The step's assignee (or the creator while unassigned)"
    ESCALATION = "escalation", "The rule's role holders, else the project's Grade A/B admins"
    GRADE_A = "grade_a", "The project's Grade A admins"
    ROLE = "role", "Holders of another role (named on the level)"


def notification_type_choices() -> list[tuple[str, str]]:
    """The known notification types (ptw/notification_utils.py), the only event types a level may send.

    Read when asked: notification_utils imports the models, so the models cannot import it at load.
    """
    from ..notification_utils import PTW_NOTIFICATION_TYPES

    return list(PTW_NOTIFICATION_TYPES.items())


class EscalationLevel(models.Model):
    """A threshold, as a multiple of the step's time limit, and who is told when it is reached.

    Levels with a rule are that rule's chain; levels without one are the global chain, which
    every rule without levels of its own follows. The last level of a chain may repeat.
    """

    rule = models.ForeignKey(EscalationRule, on_delete=models.CASCADE, null=True, blank=True, related_name="levels")
    level = models.PositiveSmallIntegerField()
    multiplier = models.DecimalField(max_digits=5, decimal_places=2, validators=[MinValueValidator(0.01)])
    event_type = models.CharField(max_length=40, choices=notification_type_choices)
    audience = models.CharField(max_length=20, choices=EscalationAudience.choices)
    # For the "role" audience: the second role told (e.g. site_manager).
    role = models.SlugField(max_length=50, blank=True)
    # The chain's last level is sent again every so many hours until someone acts or acknowledges.
    repeat_every_hours = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0.1)]
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["multiplier", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "level"], condition=Q(rule__isnull=False), name="escalationlevel_unique_in_rule"
            ),
            models.UniqueConstraint(
                fields=["level"], condition=Q(rule__isnull=True), name="escalationlevel_unique_global"
            ),
        ]

    def __str__(self) -> str:
        return f"Level {self.level}: {self.multiplier}× → {self.event_type}"

    def clean(self) -> None:
        if self.audience == EscalationAudience.ROLE and not self.role:
            raise ValidationError({"role": "Name the role to tell."})
        if self.audience != EscalationAudience.ROLE and self.role:
            raise ValidationError({"role": "Only the “another role” audience names a role."})


class EscalationRecord(models.Model):
    """History: a level reached by a workflow step. Kept when notifications are cleaned up."""

    permit = models.ForeignKey("ptw.Permit", on_delete=models.CASCADE, related_name="escalations")
    step = models.ForeignKey("ptw.WorkflowStep", on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField()
    event_type = models.CharField(max_length=40)
    reached_at = models.DateTimeField()
    local_date = models.DateField()
    pending_hours = models.DecimalField(max_digits=8, decimal_places=2)
    recipient_ids = models.JSONField(default=list)
    # 0: the level itself; n: its n-th repeat (the chain's last level, every repeat_every_hours).
    repeat = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["reached_at", "id"]
        constraints = [
            # Once per step, level (and repeat) and local day, however many sweeps run at once.
            models.UniqueConstraint(
                fields=["step", "level", "repeat", "local_date"], name="escalationrecord_once_per_day"
            ),
        ]
        indexes = [
            models.Index(fields=["permit", "reached_at"], name="escalationrecord_timeline"),
            # Board: "steps escalated on local day D" (today's count, the 30-day trend).
            models.Index(fields=["local_date", "level"], name="escalationrecord_day"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} level {self.level} for step {self.step_id} at {self.reached_at}"


class JobRun(models.Model):
    job = models.CharField(max_length=60)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(null=True)
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            # Health: "latest successful run of job J".
            models.Index(fields=["job", "ok", "-started_at"], name="jobrun_job_ok_started"),
        ]

    def __str__(self) -> str:
        state = {True: "ok", False: "failed", None: "running"}[self.ok]
        return f"{self.job} at {self.started_at:%Y-%m-%d %H:%M} ({state})"
