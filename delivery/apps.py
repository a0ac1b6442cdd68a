from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "delivery"
    verbose_name = "Delivery (e-mail and SMS)"
    default_auto_field = "django.db.models.BigAutoField"
