"""The verify/approve workflow of a permit: one instance, ordered steps."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class StepId(models.TextChoices):
    VERIFICATION = "verification", "Verification"
    APPROVAL = "approval", "Approval"


STEP_ROLE = {StepId.VERIFICATION: "verifier", StepId.APPROVAL: "approver"}
STEP_ORDER = {StepId.VERIFICATION: 1, StepId.APPROVAL: 2}


class StepStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    SKIPPED = "skipped", "Skipped"


class WorkflowInstance(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        REJECTED = "rejected", "Rejected"
        CANCELLED = "cancelled", "Cancelled"

    permit = models.OneToOneField("ptw.Permit", on_delete=models.CASCADE, related_name="workflow")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    started_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Workflow of permit {self.permit_id} ({self.status})"


class WorkflowStep(models.Model):
    instance = models.ForeignKey(WorkflowInstance, on_delete=models.CASCADE, related_name="steps")
    step_id = models.CharField(max_length=20, choices=StepId.choices)
    name = models.CharField(max_length=50)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workflow_steps",
    )
    role = models.CharField(max_length=20)
    status = models.CharField(max_length=20, choices=StepStatus.choices, default=StepStatus.PENDING)
    order = models.PositiveSmallIntegerField()
    # When the step became someone's task: set on creation (the creator must assign) and
    # reset on each (re)assignment. Overdue is measured from here, not from workflow start.
    pending_since = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comments = models.TextField(blank=True)
    # When the overdue sweep must look at this step next (next threshold or next local day).
    next_check_at = models.DateTimeField(null=True, blank=True)
    # The last acknowledgement of its escalation: the chain's next levels wait until
    # `acknowledged_until`. Cleared when the step is handed to someone (the chain restarts).
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["instance", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["instance", "step_id"], name="workflowstep_unique_step"),
        ]
        indexes = [
            # Overdue sweep: "pending steps whose next_check_at <= now", oldest first.
            models.Index(
                fields=["next_check_at"],
                name="workflowstep_due",
                condition=Q(status="pending", next_check_at__isnull=False),
            ),
            # Board: "pending steps of project P, oldest first" and "pending steps past their limit".
            models.Index(
                fields=["pending_since"],
                name="workflowstep_pending",
                condition=Q(status="pending"),
            ),
            # Board charts: "steps decided (or ended) since the window's start".
            models.Index(
                fields=["completed_at"],
                name="workflowstep_completed",
                condition=Q(completed_at__isnull=False),
            ),
            # My tasks: "pending steps assigned to me".
            models.Index(
                fields=["assignee"],
                name="workflowstep_my_pending",
                condition=Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} of permit {self.instance.permit_id} ({self.status})"
