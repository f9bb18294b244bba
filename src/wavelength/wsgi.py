"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wavelength.settings")
application = get_wsgi_application()

from wavelength.core.wsgi_body import ChunkedBody  # noqa: E402 - needs Django set up

application = ChunkedBody(application)

from wavelength.core.startup import freeze_loaded  # noqa: E402

freeze_loaded()
