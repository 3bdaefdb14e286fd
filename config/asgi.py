"""The desk served by an event loop (gunicorn's uvicorn workers, `make serve`): pages as under WSGI, and the push
streams (calls:stream) held open cheaply."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()
