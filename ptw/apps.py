from django.apps import AppConfig


class PtwConfig(AppConfig):
    name = "ptw"
    verbose_name = "PTW"
    default_auto_field = "django.db.models.BigAutoField"
