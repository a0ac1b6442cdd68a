"""Closeout: checklist templates per permit type, and each permit's filled-in checklist."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


def validate_checklist_items(items) -> None:
    """Items are [{"key": str, "label": str, "required": bool}], keys unique."""
    if not isinstance(items, list):
        raise ValidationError("Items must be a list.")
    keys = set()
    for item in items:
        if not isinstance(item, dict) or not item.get("key") or not item.get("label"):
            raise ValidationError("Each item needs a key and a label.")
        if item["key"] in keys:
            raise ValidationError(f"Duplicate item key '{item['key']}'.")
        keys.add(item["key"])


class CloseoutTemplate(models.Model):
    permit_type = models.ForeignKey("ptw.PermitType", on_delete=models.CASCADE, related_name="closeout_templates")
    name = models.CharField(max_length=100)
    items = models.JSONField(default=list, validators=[validate_checklist_items])
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["permit_type", "name"]

    def __str__(self) -> str:
        return f"{self.permit_type}: {self.name}"


class PermitCloseout(models.Model):
    permit = models.OneToOneField("ptw.Permit", on_delete=models.CASCADE, related_name="closeout")
    template = models.ForeignKey(CloseoutTemplate, on_delete=models.SET_NULL, null=True, blank=True)
    # Copied from the template when the closeout starts, so later template edits don't
    # rewrite a permit's record: [{"key", "label", "required", "done", "remarks"}].
    items = models.JSONField(default=list)
    remarks = models.TextField(blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()  # from the service's `now`

    def __str__(self) -> str:
        return f"Closeout of permit {self.permit_id}"

    @property
    def missing_required_items(self) -> list[str]:
        return [item["label"] for item in self.items if item.get("required") and not item.get("done")]

    @property
    def is_complete(self) -> bool:
        return not self.missing_required_items
