from axes.models import AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from delivery.models import ContactDetails

from .forms import AdminPasswordChangeForm
from .models import Membership, MembershipRole, Project, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["project"]
    fk_name = "user"


class ContactDetailsInline(admin.StackedInline):
    """The mobile number (E.164) and digest choice; the e-mail address is the user's own field."""

    model = ContactDetails
    can_delete = False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    change_password_form = AdminPasswordChangeForm  # a new password revokes the user's API tokens
    inlines = [MembershipInline, ContactDetailsInline]
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "is_active"]


class MembershipRoleInline(admin.TabularInline):
    model = MembershipRole
    extra = 0


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "project", "company_type", "grade", "role_names", "is_active"]
    list_filter = ["project", "company_type", "grade", "is_active"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "project__code"]
    autocomplete_fields = ["user", "project"]
    inlines = [MembershipRoleInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "project").prefetch_related("roles")

    @admin.display(description="Roles")
    def role_names(self, obj: Membership) -> str:
        return ", ".join(role.name for role in obj.roles.all())


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "time_zone"]
    search_fields = ["code", "name"]


# django-axes records failed attempts only (AXES_DISABLE_ACCESS_LOG; no failure log): its two log
# pages would stay empty. Its "Access attempts" page stays: deleting a row there ends a lockout.
admin.site.unregister(AccessLog)
admin.site.unregister(AccessFailureLog)
