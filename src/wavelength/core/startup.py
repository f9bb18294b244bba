"""What a long-running process does once Wavelength is loaded."""

import gc


def freeze_loaded() -> None:
    """Load the URL configuration and the triage's models, then put everything loaded out of
    the cyclic garbage collector's reach.

    Django's apps, every view and API module the URL configuration imports, and the libraries
    behind them are about 400,000 objects that live as long as the process. A full collection
    walks all of them, a pause of about 0.2 s on a 2-core machine, every few dozen page views.
    Frozen after start-up (``gc.freeze``), they are skipped, and a collection walks only what
    the requests made since.
    """
    from django.urls import get_resolver

    from wavelength import intelligence

    get_resolver().url_patterns  # noqa: B018 - imports every view and API module
    intelligence.load()  # the triage's models, which load on first use elsewhere
    gc.collect()
    gc.freeze()
