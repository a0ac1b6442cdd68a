from django.apps import AppConfig


class PtwConfig(AppConfig):
    name = "ptw"
    verbose_name = "PTW"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Importing the service modules binds each declared action to its service (@performs);
        # they import models, so this waits for the app registry.
        from delivery import routing

        from . import checks, closeout, escalation_actions, extensions, handover, isolation, permits, workflow  # noqa: F401
        from .notification_routes import ROUTES
        from .notification_utils import PTW_NOTIFICATION_TYPES

        # Which channels each PTW type goes to (the delivery app knows types only as strings).
        routing.register(ROUTES, PTW_NOTIFICATION_TYPES)
