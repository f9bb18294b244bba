"""``wavelength send-digests``: send the notification digests whose hour has come (what the
periodic job does; run it every quarter of an hour from cron on an install without a worker)."""

from django.core.management.base import BaseCommand

from wavelength.conversations.services import digests_send_due


class Command(BaseCommand):
    help = "Send the daily and weekly notification digests that are due."

    def handle(self, **options):
        sent = digests_send_due()
        self.stdout.write(f"{sent} digests sent.")
