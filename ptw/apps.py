from django.apps import AppConfig


class PtwConfig(AppConfig):
    name = "ptw"
    verbose_name = "PTW"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Importing the service modules binds each declared action to its service (@performs);
        # they import models, so this waits for the app registry.
        from . import checks, closeout, extensions, handover, isolation, permits, workflow  # noqa: F401
