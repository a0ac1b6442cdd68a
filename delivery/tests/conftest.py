import pytest

from ptw.tests.conftest import escalation_levels, escalations_on, seed_due_steps  # noqa: F401  (shared fixtures)

from .servers import smtp_server, twilio_server


@pytest.fixture
def smtp(settings):
    """A real SMTP server the e-mail channel talks to; yields its handler (what it received)."""
    with smtp_server() as (controller, handler):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        handler.port = controller.port
        yield handler


@pytest.fixture
def twilio(settings):
    """The Twilio backend pointed at a local server answering like Twilio's Messages API."""
    with twilio_server() as (url, log):
        settings.SMS_BACKEND = "delivery.sms.TwilioSmsBackend"
        settings.TWILIO_ACCOUNT_SID = "AC" + "0" * 32
        settings.TWILIO_AUTH_TOKEN = "test-token"
        settings.TWILIO_FROM_NUMBER = "+14155550100"
        settings.TWILIO_API_BASE_URL = url
        yield log
