"""Celery application.

With no ``CELERY_BROKER_URL`` tasks run in-process (eagerly), so the embedded install needs no
worker; with a broker they are queued and ``wavelength worker`` runs them.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wavelength.settings")

app = Celery("wavelength")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
