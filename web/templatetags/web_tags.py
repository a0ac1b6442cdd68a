from datetime import datetime, timedelta

from django import template
from django.forms import BaseForm
from django.utils import dateformat
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ptw.board.listing import SORTS
from ptw.durations import format_duration
from ptw.states import PermitStatus

from ..status_icons import STATUS_ICONS
from ..times import for_display

register = template.Library()


@register.simple_tag
def status_badge(status: str, element_id: str = "") -> str:
    """The status's colour, icon and label (the label is the accessible text; the icon is decoration)."""
    icon = mark_safe(STATUS_ICONS.get(status, ""))  # noqa: S308 -- constant markup of this module
    label = PermitStatus(status).label if status in PermitStatus.values else status
    main, bracket, extra = label.partition(" (")  # "Submitted (awaiting verification)": compact rows keep "Submitted"
    return format_html(
        '<span class="status status-{}"{}><svg class="status-icon" viewBox="0 0 16 16" width="14" height="14" '
        'aria-hidden="true" focusable="false">{}</svg>{}{}</span>',
        status,
        format_html(' id="{}"', element_id) if element_id else "",
        icon,
        main,
        format_html('<span class="status-extra"> ({}</span>', extra) if bracket else "",
    )


@register.inclusion_tag("web/_sort_header.html", takes_context=True)
def sort_header(context, key: str) -> dict:
    """A column header that sorts the list by `key` (again: the other way), keeping the other filters."""
    current = context.get("sort", "")
    direction = "ascending" if current == key else "descending" if current == f"-{key}" else "none"
    params = context["request"].GET.copy()
    params["sort"] = f"-{key}" if current == key else key
    params.pop("page", None)
    return {"label": SORTS[key][0], "direction": direction, "query": params.urlencode()}


@register.filter
def duration(value: timedelta | None) -> str:
    """How long a step has been pending (ptw.durations.format_duration); empty for None."""
    return "" if value is None else format_duration(value)


@register.filter
def countdown(value: timedelta | None) -> str:
    """'2 h 05 min left', '12 min left', 'ended 3 min ago' (an active permit's time to its end)."""
    if value is None:
        return ""
    if value.total_seconds() <= 0:
        return f"ended {duration(-value)} ago"
    return f"{duration(value)} left"


@register.filter
def hours(value) -> str:
    """Hours as '4 h', '1 h 20 min', '45 min' (step times and limits)."""
    if value is None:
        return ""
    text = duration(timedelta(hours=float(value)))
    return text.removesuffix(" 00 min")


@register.filter
def percent(value: float) -> str:
    return f"{round(value * 100)} %"


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)


@register.filter
def at_most_two(value: float) -> float:
    """Caps a share at 2 (twice the limit fills the bar)."""
    return min(float(value), 2.0)


@register.filter
def local(value: datetime | None, fmt: str) -> str:
    """Django's `date` filter in the active (project) time zone, for any stored time.

    `date` converts first and raises OverflowError when the zone's offset pushes a time past
    year 9999 or before year 1 (rows stored before permit times were bounded): such a time
    reads in UTC instead, so the page still opens.
    """
    if not isinstance(value, datetime):
        return ""
    return dateformat.format(for_display(value), fmt)


@register.inclusion_tag("web/_error_summary.html")
def error_summary(*forms) -> dict:
    """At the top of the page, every error of the given forms (or iterables of forms), each linking to
    its field; web/static/web/forms.js moves the focus there when the page loads."""
    flat = [form for item in forms for form in ([item] if isinstance(item, BaseForm) else item or [])]
    errors = []
    for form in flat:
        if form is None or not getattr(form, "errors", None):
            continue
        for name, messages in form.errors.items():
            field = form.fields.get(name)
            label = field.label if field and field.label else (name.replace("_", " ").capitalize() if field else "")
            anchor = form[name].id_for_label if field else ""
            errors += [{"label": label, "message": message, "anchor": anchor} for message in messages]
    return {"errors": errors}
