"""Wavelength: a self-hosted product operations hub.

The Celery application is imported when Django starts (``core``'s ``ready``), not here, so that
``import wavelength`` (the command line's entry point) stays cheap.
"""

__version__ = "0.1.0"
