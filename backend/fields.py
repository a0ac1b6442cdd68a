"""The one place where the API reads ids: whole numbers in the database's range, never truncated.

DRF's `PrimaryKeyRelatedField` hands `1.5` to the ORM, which truncates it to 1, and a
20-digit id to PostgreSQL, which fails on `bigint`. These fields refuse both with a field
message before any query.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

# Every primary key is a BigAutoField (settings.DEFAULT_AUTO_FIELD).
MAX_ID = 2**63 - 1


def whole_number(value, *, minimum: int = 1, maximum: int = MAX_ID) -> int:
    """`value` as an int when it is a whole number in range (1, "1", 1.0 are; 1.5, "1.5", true are not).

    Raises ValueError otherwise.
    """
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        if not (text.isascii() and text.isdigit() and len(text) <= len(str(maximum))):
            raise ValueError(value)
        value = int(text)
    if not isinstance(value, int) or not minimum <= value <= maximum:
        raise ValueError(value)
    return value


class IdField(serializers.IntegerField):
    """An id given as a number (a filter, a query parameter): a whole number from 1 to MAX_ID."""

    default_error_messages = {"invalid": f"Must be a whole number from 1 to {MAX_ID}."}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            return whole_number(data, minimum=self.min_value or 1, maximum=self.max_value or MAX_ID)
        except ValueError:
            self.fail("invalid")


@extend_schema_field({"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID})
class ModelIdField(serializers.PrimaryKeyRelatedField):
    """A reference to a row by id: the whole-number check of IdField, then the lookup."""

    default_error_messages = {
        **serializers.PrimaryKeyRelatedField.default_error_messages,
        "incorrect_type": f"Must be a whole number from 1 to {MAX_ID}.",
        "does_not_exist": "There is no such item ({pk_value}).",
    }

    def to_internal_value(self, data):
        try:
            pk = whole_number(data)
        except ValueError:
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(pk)
