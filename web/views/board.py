"""The site board: what is live, what is late, who is blocking (one project at a time)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.requests import user_of
from ptw.board.limits import step_limits
from ptw.board.scope import board_project, board_projects
from ptw.board.summary import board_charts, live_board

from .. import selectors
from ..charts import step_time_bars, trend_chart


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Admins and role holders start on the board; everyone else on the permit list."""
    return redirect("web:board" if selectors.starts_on_board(user_of(request)) else "web:permits")


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """The board (`?project=` one of the user's projects); `?part=live` renders only what updates live."""
    projects = board_projects(user_of(request))
    project = board_project(projects, _project_id(request.GET.get("project")))
    if project is None:
        return render(request, "web/board.html", {"projects": projects, "project": None})
    now, limits = timezone.now(), step_limits(project.pk)
    context = {"projects": projects, "project": project, "live": live_board(project, now=now, limits=limits)}
    with timezone.override(project.tzinfo):
        if request.GET.get("part") == "live":
            return render(request, "web/board/_live.html", context)
        charts = board_charts(project, now=now, limits=limits)
        context |= {
            "charts": charts,
            "step_bars": step_time_bars(charts.step_times),
            "trend": trend_chart(charts.trend),
        }
        return render(request, "web/board.html", context)


def _project_id(value: str | None) -> int | None:
    """A project id from the query string; a malformed one is an unknown project (404)."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        return -1
