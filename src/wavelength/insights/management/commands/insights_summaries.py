"""``wavelength insights_summaries``: recount the dashboard's summaries from the live rows."""

import time

from django.core.management.base import BaseCommand

from wavelength.insights import summaries


class Command(BaseCommand):
    help = (
        "Recount the decision dashboard's summaries (feedback per day, revenue per feature) "
        "from the live rows: after an upgrade, a restore or rows written outside the services."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        counts = summaries.rebuild()
        self.stdout.write(
            f"{counts['days']:,} daily counts and {counts['features']:,} feature revenues "
            f"recounted in {time.perf_counter() - started:.1f}s."
        )
