"""``wavelength demo``: fill the workspace with a believable software company and its year."""

import time

from django.core.management.base import BaseCommand, CommandError

from wavelength.catalog.demo import build_demo
from wavelength.core.exceptions import DomainError


class Command(BaseCommand):
    help = (
        "Create the demo company (people, 3 products, ~60 features, 8 releases and a year of "
        "history). Running it again adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=7, help="Random seed (default 7).")

    def handle(self, *args, seed, **options):
        started = time.perf_counter()
        try:
            result = build_demo(seed=seed, progress=self.stdout.write)
        except DomainError as exc:
            raise CommandError(
                f"The demo cannot be built on this data: {exc.message} "
                "Use an empty data directory (WAVELENGTH_DATA_DIR) for the demo."
            ) from exc
        if result["created"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Built the demo in {time.perf_counter() - started:.1f}s: "
                    f"{result['people']} people, {result['products']} products, "
                    f"{result['features']} features, {result['releases']} releases, "
                    f"{result['changelog_entries']} changelog entries, "
                    f"{result['activities']} activities since "
                    f"{result['history_since']:%Y-%m-%d}."
                )
            )
        else:
            self.stdout.write("The demo data is already there; nothing added.")
        self.stdout.write(f"Sign in as {result['email']} with password {result['password']}")
