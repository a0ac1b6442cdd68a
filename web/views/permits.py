"""Permit pages: the list, the create/edit form, the permit page and its actions (POST)."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.requests import AuthenticatedHttpRequest
from ptw.actions import ACTIONS, EDIT, ISOLATION_POINT, PERMIT, require
from ptw.board.limits import step_limits
from ptw.board.listing import permit_page, permits_matching
from ptw.board.scope import board_projects
from ptw.errors import InvalidInput, PTWError
from ptw.forms import PermitForm
from ptw.models import Permit, PermitCloseout
from ptw.permits import EDITABLE_FIELDS, create_permit, update_permit
from ptw.policy import actor_for
from ptw.selectors import my_pending_steps, permit_get_for_user
from ptw.timeline import permit_timeline

from .. import actions, selectors
from ..forms import add_service_errors
from ..permit_filters import PermitListForm
from ..post_only import post_only
from ..times import in_local_zone


@login_required
def permit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filters = PermitListForm(request.GET, projects=board_projects(request.user))
    filters.is_valid()  # an invalid filter is shown with its error and ignored; the valid ones apply
    query = filters.query()
    now, limits = timezone.now(), step_limits()
    permits = permits_matching(request.user, query, now=now, limits=limits)
    page = permit_page(permits, number=_page_number(request.GET.get("page")), now=now, limits=limits)
    context = {"filters": filters, "page": page, "sort": query.sort, "my_tasks": my_pending_steps(request.user).count()}
    with timezone.override(query.projects[0].tzinfo if len(query.projects) == 1 else timezone.get_current_timezone()):
        return render(request, "web/permit_list.html", context)


def _page_number(value: str | None) -> int:
    try:
        return min(max(int(value or 1), 1), 100_000)
    except ValueError:
        return 1


@login_required
def permit_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PermitForm(request.POST or None, user=request.user, initial=_new_permit_times())
    if form.is_valid():
        try:
            permit = create_permit(by=request.user, now=timezone.now(), **form.cleaned_data)
        except InvalidInput as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Permit {permit.permit_number} created as a draft.")
            return redirect(permit)
    return render(request, "web/permit_form.html", {"form": form}, status=400 if form.errors else 200)


def _new_permit_times() -> dict:
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return {"planned_start_time": start, "planned_end_time": start + timedelta(hours=8)}


@login_required
def permit_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    permit = permit_get_for_user(request.user, pk)
    try:
        require(actor_for(request.user, permit), permit, EDIT)
    except PTWError as error:
        messages.error(request, error.message)
        return redirect(permit)
    with timezone.override(permit.project.tzinfo):
        initial = {name: getattr(permit, name) for name in EDITABLE_FIELDS}
        # A stored time the zone cannot show (an out-of-range legacy row) is left for the person to enter.
        initial.update({name: in_local_zone(initial[name]) for name in ("planned_start_time", "planned_end_time")})
        form = PermitForm(request.POST or None, user=request.user, permit=permit, initial=initial)
        if form.is_valid():
            try:
                update_permit(permit=permit, by=request.user, now=timezone.now(), **form.service_arguments())
            except InvalidInput as error:
                add_service_errors(form, error)
            except PTWError as error:
                messages.error(request, error.message)
                return redirect(permit)
            else:
                messages.success(request, EDIT.confirmation)
                return redirect(permit)
        return render(
            request, "web/permit_form.html", {"form": form, "permit": permit}, status=400 if form.errors else 200
        )


@login_required
def permit_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, permit_get_for_user(request.user, pk))


@login_required
@post_only(lambda request, pk, action: reverse("web:permit", args=[pk]))
def permit_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    """Run one action through its service; a refusal is shown as the service's sentence."""
    declared = ACTIONS.get(action)
    if declared is None or declared is EDIT:  # editing has its own page
        raise Http404("No such action.")
    permit = permit_get_for_user(request.user, pk)
    form = actions.make_form(declared, permit, request.user, request.POST)
    try:
        require(actor_for(request.user, permit), permit, declared)
        if form.is_valid():
            assert declared.service is not None  # every action has one: system check ptw.E001
            declared.service(permit=permit, by=request.user, now=timezone.now(), **form.service_arguments())
            messages.success(request, declared.confirmation)
            return redirect(permit)
    except InvalidInput as error:
        add_service_errors(form, error)
    except PTWError as error:
        messages.error(request, error.message)
        return redirect(permit)
    # The service rolled back; read the permit again rather than trust the object it touched.
    permit = permit_get_for_user(request.user, pk)
    return _render_detail(request, permit, bound=(declared, form), status=400)


def _render_detail(
    request: AuthenticatedHttpRequest, permit: Permit, *, bound: tuple | None = None, status: int = 200
) -> HttpResponse:
    allowed = actions.available(actor_for(request.user, permit), permit)
    bound_action, bound_form = bound or (None, None)
    forms = {
        action.name: bound_form if action is bound_action else actions.make_form(action, permit, request.user)
        for action in allowed
        if action.target is PERMIT and action is not EDIT
    }
    context = {
        "permit": permit,
        "can_edit": EDIT in allowed,
        "bar": [(action, forms[action.name]) for action in actions.bar(allowed)],
        "forms": forms,
        "actions": ACTIONS,
        # A refused isolation point step is shown above the table, with its errors.
        "isolation_error": (
            (bound_action, bound_form) if bound_action and bound_action.target is ISOLATION_POINT else None
        ),
        # Acting on the pending step's escalation (acknowledge, reassign, take over).
        "step_actions": actions.step_forms(permit, request.user, allowed=allowed, bound=bound),
        "isolation_rows": actions.isolation_rows(permit, request.user, allowed=allowed),
        "closeout": PermitCloseout.objects.filter(permit=permit).first(),
        "steps": selectors.permit_steps(permit, now=timezone.now()),
        "timeline": permit_timeline(permit),
    }
    with timezone.override(permit.project.tzinfo):
        return render(request, "web/permit_detail.html", context, status=status)
