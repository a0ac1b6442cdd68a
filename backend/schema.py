"""OpenAPI post-processing: the error responses every operation can give, stated once.

The views declare their own successes and domain errors (409, the permit's 404); what the
shared layers answer anywhere — a bad parameter or body (400), no or a wrong login (401/403),
an id that matches nothing (404), a body in a media type the API does not read (415), a
throttled login (429) — is added here, in the two shapes `ptw/api/exceptions.py` writes.
Request bodies refuse unknown keys (`StrictSerializer`), so their schemas say so.
"""

FIELD_ERRORS = "FieldErrors"
ERROR = "Error"
METHODS = ("get", "put", "patch", "post", "delete")

FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "description": (
        "Messages per field (`non_field_errors` for the body as a whole, e.g. a body that is not JSON); "
        "a nested field's messages are nested the same way."
    ),
    "additionalProperties": {
        "oneOf": [
            {"type": "array", "items": {"oneOf": [{"type": "string"}, {"type": "object"}]}},
            {"type": "object"},
        ]
    },
    "example": {"planned_end_time": ["The planned end must be after the planned start."]},
}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "A sentence saying what went wrong."}},
    "required": ["detail"],
}


def _response(component: str, description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
    }


GENERIC = {
    "400": (FIELD_ERRORS, "Bad input: a message per field or parameter. Nothing was written."),
    "401": (ERROR, "Not logged in (no token or session, or an expired token)."),
    "403": (ERROR, "Logged in, but you may not do this."),
    "404": (ERROR, "No such item among those you may see."),
    "415": (ERROR, "The body's media type is not one the API reads (JSON, form)."),
    "429": (ERROR, "Too many attempts: wait for the `Retry-After` seconds."),
}


def _codes_for(operation: dict, *, path: str, public: bool) -> list[str]:
    codes = []
    if operation.get("parameters") or "requestBody" in operation:
        codes.append("400")
    if not public:
        codes += ["401", "403"]
    if "{" in path:
        codes.append("404")
    if "requestBody" in operation:
        codes.append("415")
    if public and "requestBody" in operation:  # the log-in endpoints' rate limit
        codes.append("429")
    return codes


def add_error_responses(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOKS entry: returns the schema with the generic errors added."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas[FIELD_ERRORS] = FIELD_ERRORS_SCHEMA
    schemas.setdefault(ERROR, ERROR_SCHEMA)
    for path, item in result.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            is_public = {} in operation.get("security", [{}])
            responses = operation.setdefault("responses", {})
            for code in _codes_for(operation, path=path, public=is_public):
                component, description = GENERIC[code]
                responses.setdefault(code, _response(component, description))
            if "400" in responses:  # one shape for every 400, whatever the view declared
                responses["400"]["content"] = _response(FIELD_ERRORS, "")["content"]
    for name, schema in schemas.items():
        if name.endswith("Request") and schema.get("type") == "object":
            schema["additionalProperties"] = False
    return result
