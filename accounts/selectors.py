"""Reads about who belongs to a project and what they may do there."""

from collections.abc import Iterable

from django.db.models import QuerySet

from .models import CompanyType, Membership, Project, User


def membership_get(*, user: User, project_id: int) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, project_id=project_id, is_active=True).select_related("project").first()


def active_members(pairs: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    """Those of the (user id, project id) pairs whose user is active and an active member of the project (one query)."""
    pairs = set(pairs)
    if not pairs:
        return set()
    found = Membership.objects.filter(
        user_id__in={user_id for user_id, _ in pairs},
        project_id__in={project_id for _, project_id in pairs},
        is_active=True,
        user__is_active=True,
    ).values_list("user_id", "project_id")
    return pairs & set(found)


def projects_of(user: User) -> QuerySet[Project]:
    return Project.objects.filter(memberships__user=user, memberships__is_active=True)


def eligible_reviewers(*, project_id: int, chooser: User, exclude_ids: Iterable[int] = ()) -> QuerySet[User]:
    """Who `chooser` may pick as verifier or approver of a permit in the project.

    EPC and client members are eligible; a client chooser may only pick client members.
    """
    chooser_membership = membership_get(user=chooser, project_id=project_id)
    allowed_types = [CompanyType.EPC, CompanyType.CLIENT]
    if chooser_membership and chooser_membership.company_type == CompanyType.CLIENT:
        allowed_types = [CompanyType.CLIENT]
    return (
        User.objects.filter(
            is_active=True,
            memberships__project_id=project_id,
            memberships__is_active=True,
            memberships__company_type__in=allowed_types,
        )
        .exclude(pk__in=list(exclude_ids))
        .distinct()
        .order_by("username")
    )
