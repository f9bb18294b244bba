"""``wavelength knowledge-remind``: remind owners of stale pages (what the daily task does)."""

from django.core.management.base import BaseCommand

from wavelength.knowledge.services import review_reminders_send


class Command(BaseCommand):
    help = "Notify each owner of their pages to review (at most weekly per page)."

    def handle(self, **options):
        owners = review_reminders_send()
        self.stdout.write(f"{owners} owners reminded.")
