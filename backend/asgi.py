"""ASGI entry point (uvicorn): Django, with the live notification stream served beside it
(web/live/asgi.py) so that an open page holds no thread and no database connection."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
django_application = get_asgi_application()

from web.live.asgi import with_live_stream  # noqa: E402  (needs the apps loaded above)

application = with_live_stream(django_application)  # type: ignore[arg-type]  # ASGIHandler is an ASGI app
