from django.contrib import admin

from .models import Notification


class ReadFilter(admin.SimpleListFilter):
    title = "read"
    parameter_name = "read"

    def lookups(self, request, model_admin):
        return [("yes", "Read"), ("no", "Unread")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(read_at__isnull=self.value() == "no")
        return queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "recipient", "notification_type", "title", "read_at", "sender"]
    list_filter = ["notification_type", ReadFilter]
    list_select_related = ["recipient", "sender"]
    # data__permit_number: "the notifications about permit PTW-2026-000042" (permit number in data)
    search_fields = ["recipient__username", "notification_type", "data__permit_number", "title"]
    raw_id_fields = ["recipient", "sender"]
    readonly_fields = ["data", "dedupe_key", "subject_type", "subject_id", "created_at"]
    ordering = ["-created_at", "-id"]
    show_full_result_count = False  # the table is large; skip the extra COUNT(*)
