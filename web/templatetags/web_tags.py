from datetime import timedelta

from django import template

from ptw.durations import format_duration

register = template.Library()


@register.filter
def duration(value: timedelta | None) -> str:
    """How long a step has been pending (ptw.durations.format_duration); empty for None."""
    return "" if value is None else format_duration(value)
