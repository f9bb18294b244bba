"""``wavelength reindex``: rebuild the global search index from the data."""

from django.conf import settings
from django.core.management.base import BaseCommand

from wavelength.core.tasks import reindex_search


class Command(BaseCommand):
    help = "Rebuild the search index of every searchable object (products, features, …)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Hand the job to a worker instead of running it here (needs CELERY_BROKER_URL).",
        )

    def handle(self, *args, **options):
        if options["queue"] and settings.CELERY_BROKER_URL:
            result = reindex_search.delay()
            self.stdout.write(f"Queued the search reindex (task {result.id}).")
            return
        if options["queue"]:
            self.stdout.write("CELERY_BROKER_URL is not set: reindexing here instead.")
        counts = reindex_search.apply().get()
        for kind, n in sorted(counts.items()):
            self.stdout.write(f"{kind:<12} {n:>8}")
        self.stdout.write(
            self.style.SUCCESS(f"Search index rebuilt: {sum(counts.values())} entries.")
        )
