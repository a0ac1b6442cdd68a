"""Reads that decide what a user may see; shared by the API and the web pages."""

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User

from .models import Permit, StepStatus, WorkflowStep


def permits_visible_to(user: User) -> QuerySet[Permit]:
    """Permits of the projects the user is an active member of."""
    if not user.is_authenticated:
        return Permit.objects.none()
    return Permit.objects.filter(project__memberships__user=user, project__memberships__is_active=True).select_related(
        "permit_type", "project", "created_by", "verifier", "approver"
    )


def permit_get_for_user(user: User, permit_id: int, *, for_update: bool = False) -> Permit:
    """The permit, or Http404 when it does not exist or the user may not see it."""
    queryset = permits_visible_to(user)
    if for_update:
        # Lock only the permit row (not the joined rows) while an action runs on it.
        queryset = (
            Permit.objects.select_for_update(of=("self",))
            .filter(pk__in=permits_visible_to(user).filter(pk=permit_id).values("pk"))
            .select_related("permit_type", "project", "created_by", "verifier", "approver")
        )
    try:
        return queryset.get(pk=permit_id)
    except (Permit.DoesNotExist, ValueError, TypeError):
        raise Http404("No such permit.") from None


def my_pending_steps(user: User) -> QuerySet[WorkflowStep]:
    """Workflow steps waiting for this user, oldest first."""
    return (
        WorkflowStep.objects.filter(
            assignee=user,
            status=StepStatus.PENDING,
            # a member who left the project no longer sees (or acts on) its permits
            instance__permit__project__memberships__user=user,
            instance__permit__project__memberships__is_active=True,
        )
        .select_related("instance__permit__permit_type", "instance__permit__project", "instance__permit__created_by")
        .order_by("pending_since", "id")
    )
