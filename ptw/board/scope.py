"""Which project's board a user sees: one of their projects, chosen or their first."""

from django.http import Http404

from accounts.models import Project, User
from accounts.selectors import projects_of


def board_projects(user: User) -> list[Project]:
    """The user's projects, by name (the switcher's choices)."""
    return list(projects_of(user).order_by("name", "id"))


def board_project(projects: list[Project], project_id: int | None) -> Project | None:
    """The chosen project among `projects` (Http404 if not one of them), else the first; None if none."""
    if project_id is None:
        return projects[0] if projects else None
    for project in projects:
        if project.pk == project_id:
            return project
    raise Http404("No such project.")
