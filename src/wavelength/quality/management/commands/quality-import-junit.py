"""``wavelength quality-import-junit FILE --release V --build B --as EMAIL``: CI results."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wavelength.catalog.models import Release
from wavelength.core.exceptions import DomainError
from wavelength.integrations.management.commands._common import acting_user
from wavelength.quality import junit, selectors, services


class Command(BaseCommand):
    help = (
        "Record a JUnit XML report (pytest, Maven Surefire, Jest…) as a test run of a release. "
        "Tests map to cases by automated-test id; unknown ones are created in the product's "
        '"Automated" suite. All or nothing.'
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The JUnit XML report.")
        parser.add_argument("--release", required=True, help="The release's version.")
        parser.add_argument("--build", required=True, help="The build the tests ran on.")
        parser.add_argument("--product", help="The product's slug, when versions repeat.")
        parser.add_argument("--environment", default="", help="Where the tests ran.")
        parser.add_argument("--name", default="", help='The run\'s name ("CI · <build>").')
        parser.add_argument("--as", dest="email", required=True, help="Record as this user.")

    def handle(self, *args, file, release, build, product, environment, name, email, **options):
        user = acting_user(email)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file at {file}.")
        if path.stat().st_size > junit.MAX_BYTES:
            raise CommandError(f"{file} is larger than {junit.MAX_BYTES // 2**20} MB.")
        release_row = self._release(release, product)
        try:
            run = services.junit_import(
                actor=user,
                release=release_row,
                build=build,
                environment=environment,
                name=name,
                data=path.read_bytes(),
            )
        except DomainError as exc:
            reasons = "; ".join(f"{k}: {v}" if k else v for k, v in exc.errors.items())
            raise CommandError(f"Nothing recorded. {reasons}") from exc
        progress = selectors.progress_of([run])[0]
        counts = ", ".join(
            f"{progress.counts.get(s, 0)} {s}" for s in ("passed", "failed", "skipped")
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Recorded {path.name} as “{run.name}”: {progress.total} tests, {counts}."
            )
        )
        self.stdout.write(run.get_absolute_url())

    def _release(self, version: str, product: str | None) -> Release:
        releases = Release.objects.select_related("product").filter(version=version)
        if product:
            releases = releases.filter(product__slug=product)
        found = list(releases[:2])
        if not found:
            where = f" of {product}" if product else ""
            raise CommandError(f"No release {version}{where} (--release, --product).")
        if len(found) > 1:
            raise CommandError(f"Several products have a release {version}: add --product.")
        return found[0]
