"""Django admin for PTW.

Configuration (permit types, closeout templates, isolation library, escalation rules and
levels) is editable here. Records the services write (permits, their events, workflow,
isolation assignments, closeouts, escalation history, job runs) are read-only: the state
machine in ptw/workflow.py is their only writer, and the one permit action offered here
(cancel) calls it.
"""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from accounts.requests import user_of

from .errors import PTWError
from .escalation_chains import load_chains, rule_preview
from .escalation_rules import (
    delete_escalation_rule,
    may_change_rule,
    rule_projects_of,
    rules_visible_to,
    save_escalation_chain,
    save_escalation_rule,
)
from .forms import chain_levels
from .models import (
    CloseoutTemplate,
    EscalationLevel,
    EscalationRecord,
    EscalationRule,
    IsolationPoint,
    JobRowFailure,
    JobRun,
    Permit,
    PermitCloseout,
    PermitEvent,
    PermitIsolationPoint,
    PermitType,
    WorkflowInstance,
    WorkflowStep,
)
from .workflow import cancel_permit

PERMIT_SEARCH = ["permit__permit_number", "permit__title"]


class ReadOnlyMixin:
    """View-only: no add, change or delete (for records that only services write)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyTabularInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    show_change_link = True
    related: tuple[str, ...] = ()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.related)


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass


# --- Configuration -------------------------------------------------------------------------


class CloseoutTemplateInline(admin.StackedInline):
    model = CloseoutTemplate
    extra = 0


@admin.register(PermitType)
class PermitTypeAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "category",
        "risk_level",
        "requires_structured_isolation",
        "requires_closeout",
        "default_validity_hours",
        "max_validity_hours",
        "is_active",
    ]
    list_filter = ["category", "risk_level", "requires_structured_isolation", "requires_closeout", "is_active"]
    search_fields = ["name"]
    inlines = [CloseoutTemplateInline]


@admin.register(CloseoutTemplate)
class CloseoutTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "permit_type", "item_count", "is_active"]
    list_filter = ["permit_type", "is_active"]
    search_fields = ["name", "permit_type__name"]
    list_select_related = ["permit_type"]
    autocomplete_fields = ["permit_type"]

    @admin.display(description="Items")
    def item_count(self, obj: CloseoutTemplate) -> int:
        return len(obj.items or [])


@admin.register(IsolationPoint)
class IsolationPointAdmin(admin.ModelAdmin):
    list_display = ["code", "project", "point_type", "energy_type", "location", "is_active"]
    list_filter = ["project", "point_type", "energy_type", "is_active"]
    search_fields = ["code", "location", "description", "project__code"]
    list_select_related = ["project"]
    autocomplete_fields = ["project"]


class EscalationLevelInline(admin.TabularInline):
    """The rule's own chain (none: it follows the global levels); event types are a choice of the known ones."""

    model = EscalationLevel
    extra = 0
    fields = ["level", "multiplier", "audience", "role", "event_type", "repeat_every_hours", "is_active"]


@admin.register(EscalationRule)
class EscalationRuleAdmin(admin.ModelAdmin):
    """Saved and deleted through ptw.escalation_rules, so steps already pending follow the change.

    Staff who are not superusers see and change only the rules of the projects where they are
    Grade A admins; the global defaults (no project) are the superusers'.
    """

    list_display = [
        "permit_type",
        "step_name",
        "project",
        "time_limit_hours",
        "escalate_to_role",
        "notification_method",
        "is_active",
    ]
    list_filter = ["permit_type", "step_name", "notification_method", "is_active"]
    search_fields = ["permit_type__name", "escalate_to_role", "project__code"]
    list_select_related = ["permit_type", "project"]
    autocomplete_fields = ["permit_type"]
    inlines = [EscalationLevelInline]
    readonly_fields = ["chain_preview"]

    def get_queryset(self, request):
        return rules_visible_to(user_of(request)).select_related("permit_type", "project")

    @admin.display(description="Chain")
    def chain_preview(self, obj: EscalationRule) -> str:
        return rule_preview(obj, load_chains()) if obj.pk else "Save the rule to see its chain."

    def save_related(self, request, form, formsets, change):
        """The levels' inline: validated as the rules page does, written through the chain service."""
        rule = form.instance
        [levels] = formsets
        form.save_m2m()
        save_escalation_chain(rule=rule, levels=chain_levels(levels), by=user_of(request))
        levels.new_objects, levels.changed_objects, levels.deleted_objects = [], [], []  # the log says "changed"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "project":
            user = user_of(request)
            kwargs["queryset"] = rule_projects_of(user)
            kwargs["required"] = not user.is_superuser
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_change_rule(user_of(request), project_id=obj.project_id))

    def has_delete_permission(self, request, obj=None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or may_change_rule(user_of(request), project_id=obj.project_id))

    def save_model(self, request, obj, form, change):
        save_escalation_rule(rule=obj, by=user_of(request))

    def delete_model(self, request, obj):
        delete_escalation_rule(rule=obj, by=user_of(request))

    def delete_queryset(self, request, queryset):
        """The bulk "delete selected" action: one rule at a time, each rescheduling its steps."""
        for rule in queryset:
            delete_escalation_rule(rule=rule, by=user_of(request))


@admin.register(EscalationLevel)
class EscalationLevelAdmin(admin.ModelAdmin):
    """The global chain (levels without a rule) for superusers; a rule's levels are edited on its page."""

    list_display = ["level", "rule", "multiplier", "event_type", "audience", "role", "repeat_every_hours", "is_active"]
    list_filter = ["audience", "is_active"]
    search_fields = ["event_type"]
    list_select_related = ["rule__permit_type", "rule__project"]

    def get_queryset(self, request):
        levels = super().get_queryset(request)
        return levels if user_of(request).is_superuser else levels.filter(rule__in=rules_visible_to(user_of(request)))

    def has_add_permission(self, request) -> bool:
        return user_of(request).is_superuser and super().has_add_permission(request)


# --- Records written by the services (read-only) ---------------------------------------------


class PermitEventInline(ReadOnlyTabularInline):
    model = PermitEvent
    fields = ["created_at", "action", "from_status", "to_status", "actor", "comment"]
    related = ("actor",)
    show_change_link = False


class WorkflowStepInline(ReadOnlyTabularInline):
    model = WorkflowStep
    fields = [
        "order",
        "name",
        "assignee",
        "status",
        "pending_since",
        "next_check_at",
        "completed_at",
        "completed_by",
        "comments",
    ]
    related = ("assignee", "completed_by", "instance")


class PermitIsolationPointInline(ReadOnlyTabularInline):
    model = PermitIsolationPoint
    fields = [
        "point",
        "required",
        "status",
        "lock_count",
        "lock_ids",
        "isolated_by",
        "isolated_at",
        "verified_by",
        "verified_at",
        "deisolated_at",
    ]
    related = ("point", "isolated_by", "verified_by", "permit")


class EscalationRecordInline(ReadOnlyTabularInline):
    model = EscalationRecord
    fields = ["reached_at", "step", "level", "event_type", "pending_hours", "recipient_ids"]
    related = ("step__instance",)


@admin.register(Permit)
class PermitAdmin(ReadOnlyAdmin):
    """Permits are created and moved only by the services; here they are viewed (and may be cancelled)."""

    list_display = [
        "permit_number",
        "title",
        "permit_type",
        "project",
        "status",
        "created_by",
        "verifier",
        "approver",
        "planned_start_time",
        "planned_end_time",
        "created_at",
    ]
    list_filter = ["status", "permit_type", "project"]
    search_fields = [
        "permit_number",
        "title",
        "location",
        "created_by__username",
        "verifier__username",
        "approver__username",
    ]
    list_select_related = ["permit_type", "project", "created_by", "verifier", "approver"]
    date_hierarchy = "created_at"
    inlines = [PermitIsolationPointInline, PermitEventInline, EscalationRecordInline]
    actions = ["cancel_selected"]
    readonly_fields = ["permit_number", "created_at", "workflow_steps"]
    fieldsets = [
        (None, {"fields": ["permit_number", "title", "permit_type", "project", "status", "location", "description"]}),
        ("People", {"fields": ["created_by", "verifier", "approver"]}),
        (
            "Times",
            {
                "fields": [
                    "planned_start_time",
                    "planned_end_time",
                    "actual_start_time",
                    "actual_end_time",
                    "created_at",
                    "submitted_at",
                    "verified_at",
                    "approved_at",
                    "rejected_at",
                    "suspended_at",
                    "completed_at",
                    "cancelled_at",
                    "expired_at",
                    "rejection_reason",
                ]
            },
        ),
        ("Workflow", {"fields": ["workflow_steps"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.list_select_related)

    @admin.display(description="Steps")
    def workflow_steps(self, obj: Permit) -> str:
        # WorkflowStep hangs off the workflow instance, so it cannot be an inline of Permit.
        steps = WorkflowStep.objects.filter(instance__permit=obj).select_related("assignee", "completed_by")
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    step.name,
                    step.assignee or "—",
                    step.get_status_display(),
                    step.pending_since or "—",
                    step.next_check_at or "—",
                    step.completed_at or "—",
                )
                for step in steps
            ),
        )
        if not rows:
            return "Not submitted yet."
        return format_html(
            "<table><tr><th>Step</th><th>Assignee</th><th>Status</th><th>Pending since</th>"
            "<th>Next check</th><th>Completed</th></tr>{}</table>",
            rows,
        )

    @admin.action(description="Cancel selected permits (through the workflow)", permissions=["view"])
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet[Permit]) -> None:
        cancelled, refused = 0, []
        for permit in queryset:
            try:
                by, now = user_of(request), timezone.now()
                cancel_permit(permit=permit, by=by, comment="Cancelled from the admin.", now=now)
                cancelled += 1
            except PTWError as error:
                refused.append(error.message)
        if cancelled:
            self.message_user(request, f"Cancelled {cancelled} permit(s).", messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.ERROR)


@admin.register(PermitEvent)
class PermitEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "permit", "action", "from_status", "to_status", "actor"]
    list_filter = ["action", "to_status"]
    search_fields = [*PERMIT_SEARCH, "actor__username", "comment"]
    list_select_related = ["permit", "actor"]
    date_hierarchy = "created_at"


@admin.register(WorkflowInstance)
class WorkflowInstanceAdmin(ReadOnlyAdmin):
    list_display = ["permit", "status", "started_at", "completed_at"]
    list_filter = ["status"]
    search_fields = PERMIT_SEARCH
    list_select_related = ["permit"]
    inlines = [WorkflowStepInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("permit")


@admin.register(WorkflowStep)
class WorkflowStepAdmin(ReadOnlyAdmin):
    list_display = ["permit_number", "name", "assignee", "status", "pending_since", "next_check_at", "completed_at"]
    list_filter = ["step_id", "status"]
    search_fields = ["instance__permit__permit_number", "instance__permit__title", "assignee__username"]
    list_select_related = ["instance__permit", "assignee"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("instance__permit", "assignee", "completed_by")

    @admin.display(description="Permit", ordering="instance__permit__permit_number")
    def permit_number(self, obj: WorkflowStep) -> str:
        return obj.instance.permit.permit_number or ""


@admin.register(PermitIsolationPoint)
class PermitIsolationPointAdmin(ReadOnlyAdmin):
    list_display = ["permit", "point", "required", "status", "lock_count", "isolated_by", "verified_by", "verified_at"]
    list_filter = ["status", "required", "point__energy_type"]
    search_fields = [*PERMIT_SEARCH, "point__code", "isolated_by__username", "verified_by__username"]
    list_select_related = ["permit", "point", "isolated_by", "verified_by"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("permit", "point", "isolated_by", "verified_by", "deisolated_by")
        )


@admin.register(PermitCloseout)
class PermitCloseoutAdmin(ReadOnlyAdmin):
    list_display = ["permit", "template", "is_complete", "completed_by", "completed_at", "updated_at"]
    list_filter = ["template__permit_type"]
    search_fields = [*PERMIT_SEARCH, "completed_by__username"]
    list_select_related = ["permit", "template__permit_type", "completed_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.list_select_related)

    @admin.display(boolean=True, description="Complete")
    def is_complete(self, obj: PermitCloseout) -> bool:
        return obj.is_complete


@admin.register(EscalationRecord)
class EscalationRecordAdmin(ReadOnlyAdmin):
    list_display = ["reached_at", "permit", "step", "level", "event_type", "pending_hours", "recipient_count"]
    list_filter = ["level", "event_type"]
    search_fields = PERMIT_SEARCH
    list_select_related = ["permit", "step__instance"]
    date_hierarchy = "reached_at"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("permit", "step__instance")

    @admin.display(description="Recipients")
    def recipient_count(self, obj: EscalationRecord) -> int:
        return len(obj.recipient_ids or [])


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    list_display = ["job", "started_at", "finished_at", "ok", "counts", "short_error"]
    list_filter = ["job", "ok"]
    search_fields = ["job", "error"]
    date_hierarchy = "started_at"

    @admin.display(description="Error")
    def short_error(self, obj: JobRun) -> str:
        return obj.error[:120]


@admin.register(JobRowFailure)
class JobRowFailureAdmin(ReadOnlyAdmin):
    """Rows a job failed on; quarantined ones are skipped until they change or are released here."""

    list_display = ["job", "row", "failures", "quarantined_at", "last_failed_at", "short_error"]
    list_filter = ["job", ("quarantined_at", admin.EmptyFieldListFilter)]
    search_fields = ["job", "row", "error"]
    actions = ["release"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser  # releasing is deleting the record: the next run retries the row

    @admin.display(description="Error")
    def short_error(self, obj: JobRowFailure) -> str:
        return obj.error[:120]

    @admin.action(description="Release the selected rows (the next run tries them again)")
    def release(self, request, queryset) -> None:
        released, _ = queryset.delete()
        self.message_user(request, f"{released} row(s) released: the next run of their job tries them again.")
