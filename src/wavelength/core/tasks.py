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

from . import clock


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


@shared_task(name="wavelength.core.send_notification_emails")
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail each notification not yet e-mailed; returns how many were sent.

    Each row is claimed with a conditional update first, so a retried or duplicated task never
    sends the same notification twice.
    """
    from .mail import send_notification_email
    from .models import Notification

    sent = 0
    for pk in notification_ids:
        claimed = Notification.objects.filter(pk=pk, emailed_at__isnull=True).update(
            emailed_at=clock.now()
        )
        if claimed:
            send_notification_email(Notification.objects.select_related("recipient").get(pk=pk))
            sent += 1
    return sent
