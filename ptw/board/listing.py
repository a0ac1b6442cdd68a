"""The permit list: filter, search, sort and page a user's permits at a cost set by the page, not the table.

Each sort walks one index of (project, column) and stops after the page; the total is counted
only up to COUNT_CAP rows (past it the page says "1,000+"), so a project with 100,000 permits
lists as fast as one with 1,000. Attention filters are those of the board (ptw.board.attention).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Project, User
from ptw.models import Permit, StepStatus, WorkflowStep
from ptw.states import LIVE_STATUSES

from .attention import ENDING_SOON, ending_soon_q, escalated_today_q, with_overdue_step_q
from .limits import StepLimits

PAGE_SIZE = 25
COUNT_CAP = 1000

# sort key → (label, order_by); "-key" sorts the other way.
SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "number": ("Permit", ("permit_number",)),
    "title": ("Title", ("title", "id")),
    "start": ("Planned start", ("planned_start_time", "id")),
    "end": ("Planned end", ("planned_end_time", "id")),
    "created": ("Created", ("created_at", "id")),
}
DEFAULT_SORT = "-created"

ATTENTION = {
    "my_tasks": "Waiting for me",
    "overdue": "Step overdue",
    "ending_soon": "Ending within 1 h",
    "escalated_today": "Escalated today",
}


@dataclass(frozen=True)
class PermitQuery:
    """What the list shows: the projects searched (already scoped to the user) and the criteria."""

    projects: Sequence[Project]
    status: str = ""
    permit_type_id: int | None = None
    search: str = ""
    attention: str = ""
    sort: str = DEFAULT_SORT


def order_by_for(sort: str) -> tuple[str, ...]:
    if sort.removeprefix("-") not in SORTS:
        sort = DEFAULT_SORT
    columns = SORTS[sort.removeprefix("-")][1]
    return tuple(f"-{column}" for column in columns) if sort.startswith("-") else columns


def permits_matching(user: User, query: PermitQuery, *, now: datetime, limits: StepLimits) -> QuerySet[Permit]:
    """The permits of `query.projects` that match, in the chosen order, each marked `is_my_task`.

    Projects are given as ids (not a join on membership) so the planner sees one project and
    reads its index in order.
    """
    project_ids = [project.pk for project in query.projects]
    permits = Permit.objects.filter(project_id__in=project_ids)
    if query.status:
        permits = permits.filter(status=query.status)
    if query.permit_type_id:
        permits = permits.filter(permit_type_id=query.permit_type_id)
    if query.search:
        term = query.search
        permits = permits.filter(
            Q(permit_number__icontains=term) | Q(title__icontains=term) | Q(location__icontains=term)
        )
    permits = _attention(permits, user, query, now=now, limits=limits)
    my_step = WorkflowStep.objects.filter(instance__permit=OuterRef("pk"), assignee=user, status=StepStatus.PENDING)
    return (
        permits.select_related("permit_type", "project", "created_by")
        .annotate(is_my_task=Exists(my_step))
        .order_by(*order_by_for(query.sort))
    )


def _attention(permits, user: User, query: PermitQuery, *, now: datetime, limits: StepLimits):
    if query.attention == "my_tasks":
        mine = WorkflowStep.objects.filter(assignee=user, status=StepStatus.PENDING).values("instance__permit_id")
        return permits.filter(pk__in=mine)
    if query.attention == "overdue":
        return permits.filter(with_overdue_step_q(limits, now))
    if query.attention == "ending_soon":
        return permits.filter(ending_soon_q(now))
    if query.attention == "escalated_today":
        return permits.filter(escalated_today_q(query.projects, now))
    return permits


@dataclass
class PermitPage:
    """One page of the list; `total` is None past COUNT_CAP (shown as "1,000+")."""

    rows: list[Permit]
    number: int
    size: int
    total: int | None
    has_next: bool
    cap: int = COUNT_CAP
    markers: dict[int, "RowMarkers"] = field(default_factory=dict)

    @property
    def cap_text(self) -> str:
        return f"{self.cap:,}"

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def num_pages(self) -> int | None:
        return None if self.total is None else max(1, -(-self.total // self.size))

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.size + len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def permit_page(permits: QuerySet[Permit], *, number: int, now: datetime, limits: StepLimits, size: int = PAGE_SIZE):
    """Page `number` (from 1; past the last known page, the last) with each row's markers.

    Three queries whatever the table's size: the capped count, the page plus one row (to know
    whether another page follows), and the page's pending steps (overdue markers).
    """
    capped = permits.order_by()[: COUNT_CAP + 1].count()
    total = capped if capped <= COUNT_CAP else None
    if total is not None:
        number = min(number, max(1, -(-total // size)))
    offset = (number - 1) * size
    rows = list(permits[offset : offset + size + 1])
    page = PermitPage(rows=rows[:size], number=number, size=size, total=total, has_next=len(rows) > size, cap=COUNT_CAP)
    page.markers = row_markers(page.rows, now=now, limits=limits)
    return page


@dataclass(frozen=True)
class RowMarkers:
    overdue_step: str = ""  # the overdue step's name, "" when none
    ends_in: timedelta | None = None  # set when ending within the hour (negative: past its end)

    @property
    def ending_soon(self) -> bool:
        return self.ends_in is not None


def row_markers(permits: list[Permit], *, now: datetime, limits: StepLimits) -> dict[int, RowMarkers]:
    """{permit id: markers} for the rows shown: one query for their pending steps."""
    waiting = WorkflowStep.objects.filter(
        instance__permit_id__in=[permit.pk for permit in permits],
        status=StepStatus.PENDING,
        pending_since__isnull=False,
    ).values_list("instance__permit_id", "step_id", "name", "pending_since")
    types = {permit.pk: permit.permit_type_id for permit in permits}
    overdue = {
        permit_id: name
        for permit_id, step_id, name, since in waiting
        if since is not None and now - since >= limits.delta(types[permit_id], step_id)
    }
    markers = {}
    for permit in permits:
        ending = permit.status in LIVE_STATUSES and permit.planned_end_time <= now + ENDING_SOON
        markers[permit.pk] = RowMarkers(
            overdue_step=overdue.get(permit.pk, ""),
            ends_in=(permit.planned_end_time - now) if ending else None,
        )
    return markers
