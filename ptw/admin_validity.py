"""Django admin of a permit's validity requests: read-only records (only the services write them)."""

from django.contrib import admin

from .admin import PERMIT_SEARCH, ReadOnlyAdmin, ReadOnlyTabularInline
from .models import HandoverConfirmation, PermitExtension, PermitHandover


@admin.register(PermitExtension)
class PermitExtensionAdmin(ReadOnlyAdmin):
    list_display = ["requested_at", "permit", "previous_end", "requested_end", "status", "requested_by", "decided_by"]
    list_filter = ["status", "escalation_level"]
    search_fields = [*PERMIT_SEARCH, "requested_by__username", "reason"]
    list_select_related = ["permit", "requested_by", "decided_by"]
    date_hierarchy = "requested_at"


class HandoverConfirmationInline(ReadOnlyTabularInline):
    model = HandoverConfirmation
    fields = ["point_code", "isolation_status", "confirmed_by", "confirmed_at"]
    related = ("confirmed_by",)


@admin.register(PermitHandover)
class PermitHandoverAdmin(ReadOnlyAdmin):
    list_display = ["requested_at", "permit", "requested_by", "to_user", "status", "decided_at"]
    list_filter = ["status", "escalation_level"]
    search_fields = [*PERMIT_SEARCH, "requested_by__username", "to_user__username"]
    list_select_related = ["permit", "requested_by", "to_user"]
    date_hierarchy = "requested_at"
    inlines = [HandoverConfirmationInline]


@admin.register(HandoverConfirmation)
class HandoverConfirmationAdmin(ReadOnlyAdmin):
    list_display = ["confirmed_at", "handover", "point_code", "isolation_status", "confirmed_by"]
    search_fields = ["point_code", "handover__permit__permit_number"]
    list_select_related = ["handover", "confirmed_by"]
