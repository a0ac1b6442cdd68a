"""Domain errors raised by services; the API and web views map them to responses."""


class PTWError(Exception):
    """Base class. `message` is a sentence a user can read."""

    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidInput(PTWError):
    """Bad input (400), with messages per field."""

    def __init__(self, errors: dict[str, list[str]] | str):
        if isinstance(errors, str):
            errors = {"non_field_errors": [errors]}
        self.errors = errors
        first = next(iter(errors.values()))[0]
        super().__init__(first)


class ActionNotAllowed(PTWError):
    """The user may see the permit but may not take this action (403)."""

    status_code = 403


class IllegalTransition(PTWError):
    """The permit's current state does not allow this action (409). Nothing changed."""

    status_code = 409

    def __init__(
        self, message: str, *, current: str = "", allowed: tuple[str, ...] = (), missing: list[str] | None = None
    ):
        super().__init__(message)
        self.current = current
        self.allowed = list(allowed)
        self.missing = missing or []
