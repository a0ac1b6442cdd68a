"""Pagination of every API list: a bounded page size, and a 400 (never a 500) for a bad number.

`limit` (or the inbox's `page_size`) above API_MAX_PAGE_SIZE is reduced to it; a `limit`, `offset`
or `page_size` that is not a whole number in range is refused with a message naming the parameter.
"""

from django.conf import settings
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError

# Longer digit strings than any page or offset could need are never read by int(): a limit or page
# size is reduced to its maximum, an offset refused (PostgreSQL's OFFSET is a bigint).
MAX_DIGITS = 18
MAX_VALUE = 10**MAX_DIGITS - 1


def query_int(request, name: str, *, default: int, minimum: int, maximum: int | None = None) -> int:
    """The whole-number query parameter `name` (absent: `default`), reduced to `maximum`.

    Raises ValidationError (400, `{name: [message]}`) when it is not a whole number ≥ `minimum`.
    """
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    text = raw.strip()
    if not (text.isascii() and text.isdigit()):
        raise ValidationError({name: [f"Must be a whole number, {minimum} or more."]})
    if len(text) > MAX_DIGITS:  # never int() a long string; above any maximum, or out of range
        if maximum is not None:
            return maximum
        raise ValidationError({name: [f"Must be a whole number from {minimum} to {MAX_VALUE}."]})
    value = int(text)
    if value < minimum:
        raise ValidationError({name: [f"Must be a whole number, {minimum} or more."]})
    return min(value, maximum) if maximum is not None else value


def max_page_size() -> int:
    return settings.API_MAX_PAGE_SIZE


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    def get_limit(self, request) -> int:
        return query_int(
            request,
            self.limit_query_param,
            default=self.default_limit or max_page_size(),
            minimum=1,
            maximum=max_page_size(),
        )

    def get_offset(self, request) -> int:
        return query_int(request, self.offset_query_param, default=0, minimum=0)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["description"] = (
                    f"Number of results to return per page (default {self.default_limit}; "
                    f"at most {max_page_size()}: a larger limit is reduced to it)."
                )
                parameter["schema"].update({"minimum": 1})
            else:
                parameter["schema"].update({"minimum": 0, "maximum": MAX_VALUE})
        return parameters


class CursorPagination(pagination.CursorPagination):
    """Cursor pagination with `page_size` up to API_MAX_PAGE_SIZE (or the class's lower `max_page_size`)."""

    page_size_query_param = "page_size"

    def get_page_size(self, request) -> int:
        ceiling = min(self.max_page_size or max_page_size(), max_page_size())
        return query_int(
            request, self.page_size_query_param, default=self.page_size or ceiling, minimum=1, maximum=ceiling
        )

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1})
        return parameters

    def decode_cursor(self, request):
        # DRF answers a cursor it cannot read with 404; it is a bad parameter like any other.
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError({self.cursor_query_param: ["Not a cursor this API gave out."]}) from None
