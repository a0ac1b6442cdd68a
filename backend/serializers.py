"""The base of every API request body (backend/schema.py publishes them with `additionalProperties: false`)."""

from collections.abc import Mapping
from typing import cast

from rest_framework import serializers

# A JSON body's values must have the JSON type the schema publishes: DRF alone would read
# `0` or "yes" as a boolean and "12" as a number, so one body could mean different things.
# (Most specific first: a BooleanField is not a CharField, but a ChoiceField may hold numbers.)
JSON_TYPES: list[tuple[type[serializers.Field], tuple[type, ...], str]] = [
    (serializers.BooleanField, (bool,), "Must be true or false."),
    (serializers.IntegerField, (int, float), "Must be a number."),
    (serializers.RelatedField, (int, float), "Must be a number."),
    (serializers.CharField, (str,), "Must be text."),
    (serializers.DateTimeField, (str,), "Must be a date and time as text (ISO 8601)."),
    (serializers.ListField, (list,), "Must be a list."),
    (serializers.DictField, (dict,), "Must be an object."),
]


def json_type_error(field: serializers.Field, value) -> str | None:
    """The message when `value` (not null) is not of the JSON type `field` reads, else None."""
    for kind, types, message in JSON_TYPES:
        if isinstance(field, kind):
            wrong = not isinstance(value, types) or (bool not in types and isinstance(value, bool))
            return message if wrong else None
    return None


class StrictSerializer(serializers.Serializer):
    """Refuses keys it does not know and values of the wrong JSON type, rather than guessing."""

    def to_internal_value(self, data):
        errors: dict[str, list[str]] = {}
        if isinstance(data, Mapping):
            errors = {name: ["This field cannot be set here."] for name in sorted(set(data) - set(self.fields))}
            for name, field in self.fields.items():
                if data.get(name) is not None and (message := json_type_error(field, data[name])):
                    errors[name] = [message]
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            errors = {**cast(dict[str, list[str]], exc.detail), **errors}
        if errors:
            raise serializers.ValidationError(errors)
        return value
