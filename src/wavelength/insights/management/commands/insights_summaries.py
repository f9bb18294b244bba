"""``wavelength insights_summaries``: recount the dashboard's summaries from the live rows."""

import time

from django.core.management.base import BaseCommand

from wavelength.insights import summaries


class Command(BaseCommand):
    help = (
        "Recount the decision dashboard's summaries (feedback per day, revenue per feature, "
        "arrivals in general availability) "
        "from the live rows: after an upgrade, a restore or rows written outside the services."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        counts = summaries.rebuild()
        self.stdout.write(
            f"{counts['days']:,} daily counts, {counts['features']:,} feature revenues and "
            f"{counts['arrivals']:,} arrivals in general availability recounted in "
            f"{time.perf_counter() - started:.1f}s."
        )
