"""Background jobs of the shared kernel.

Tasks take ids (or nothing), load what they need and call services. Without a broker
(``CELERY_BROKER_URL`` unset) Celery runs them in-process, so every task also works on the
embedded install; with one, ``wavelength worker`` runs them.
"""

from collections.abc import Callable, Iterator
from importlib import import_module

from celery import shared_task
from django.apps import apps
from django.db import transaction
from django.utils.module_loading import module_has_submodule


def _reindexers() -> Iterator[Callable[[], dict[str, int]]]:
    """Each app's ``services.search_reindex``: core indexes for others but imports none."""
    for config in apps.get_app_configs():
        if config.name.startswith("wavelength.") and module_has_submodule(
            config.module, "services"
        ):
            reindex = getattr(import_module(f"{config.name}.services"), "search_reindex", None)
            if reindex is not None:
                yield reindex


@shared_task(name="wavelength.core.reindex_search")
def reindex_search() -> dict[str, int]:
    """Rebuild the global search index from every app's tables; returns entries per kind."""
    counts: dict[str, int] = {}
    for reindex in _reindexers():
        counts.update(reindex())
    return counts


def queue_reindex_search() -> None:
    """Rebuild the index once the current transaction commits (at once outside one)."""
    transaction.on_commit(reindex_search.delay)
