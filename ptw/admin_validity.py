"""Django admin of a permit's validity requests: read-only records (only the services write them)."""

from django.contrib import admin

from .admin import PERMIT_SEARCH, ReadOnlyAdmin
from .models import PermitExtension


@admin.register(PermitExtension)
class PermitExtensionAdmin(ReadOnlyAdmin):
    list_display = ["requested_at", "permit", "previous_end", "requested_end", "status", "requested_by", "decided_by"]
    list_filter = ["status", "escalation_level"]
    search_fields = [*PERMIT_SEARCH, "requested_by__username", "reason"]
    list_select_related = ["permit", "requested_by", "decided_by"]
    date_hierarchy = "requested_at"
