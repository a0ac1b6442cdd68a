"""System checks: every declared action has its service (a missing `@performs` fails at start-up)."""

from typing import Any

from django.core import checks

from .actions import ACTIONS


@checks.register()
def every_action_has_a_service(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return [
        checks.Error(
            f"Action '{action.name}' has no service.",
            hint="Decorate the service that performs it with @performs(<the action>).",
            id="ptw.E001",
        )
        for action in ACTIONS.values()
        if action.service is None
    ]
