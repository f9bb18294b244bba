"""``wavelength quality import-junit FILE --release V --build B --as EMAIL``: CI results;
``wavelength quality flaky --product SLUG``: the tests that flip between pass and fail."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wavelength.accounts.management.commands._common import acting_user
from wavelength.accounts.models import Role, User
from wavelength.catalog.models import Product, Release
from wavelength.core.exceptions import DomainError
from wavelength.quality import junit, selectors, services


class Command(BaseCommand):
    help = (
        "Test management from the command line. import-junit: record a JUnit XML report as a "
        "test run of a release. flaky: list a product's flaky tests."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        report = actions.add_parser(
            "import-junit",
            help=(
                "Record a JUnit XML report (pytest, Maven Surefire, Jest…) as a test run of a "
                "release. Tests map to cases by automated-test id; unknown ones are created in "
                'the product\'s "Automated" suite. All or nothing.'
            ),
        )
        report.add_argument("file", help="The JUnit XML report.")
        report.add_argument("--release", required=True, help="The release's version.")
        report.add_argument("--build", required=True, help="The build the tests ran on.")
        report.add_argument("--product", help="The product's slug, when versions repeat.")
        report.add_argument("--environment", default="", help="Where the tests ran.")
        report.add_argument("--name", default="", help='The run\'s name ("CI · <build>").')
        report.add_argument("--as", dest="email", required=True, help="Record as this user.")
        flaky = actions.add_parser(
            "flaky",
            help="List the tests that pass and fail on one build, or flip back and forth, "
            f"over the product's latest {selectors.FLAKY_WINDOW} runs.",
        )
        flaky.add_argument("--product", required=True, help="The product's slug.")

    def handle(self, *args, action: str, **options):
        if action == "import-junit":
            self.import_junit(**options)
        else:
            self.flaky(**options)

    def import_junit(self, *, file, release, build, product, environment, name, email, **_):
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

    def flaky(self, *, product, **_):
        found = Product.objects.filter(slug=product).first()
        if found is None:
            raise CommandError(f"No product “{product}” (--product).")
        # The command line runs with the machine's rights: everything is readable.
        reader = User(email="cli@localhost", role=Role.ADMIN, is_active=True)
        rows = selectors.flaky_tests(user=reader, product=found)
        if not rows:
            self.stdout.write(f"No flaky test in {found.name}'s latest runs.")
            return
        table = [("CASE", "TEST", "FLIPS", "SAME BUILD", "LATEST")]
        for row in rows:
            latest = " ".join(status[0].upper() for _build, status in row.history[-10:])
            table.append(
                (
                    row.case.key,
                    row.case.automation_id or row.case.title,
                    str(row.flips),
                    "yes" if row.same_build else "no",
                    latest,
                )
            )
        widths = [max(len(r[i]) for r in table) for i in range(len(table[0]) - 1)]
        for cells in table:
            padded = [c.ljust(w) for c, w in zip(cells, widths, strict=False)]
            self.stdout.write("  ".join([*padded, cells[-1]]).rstrip())

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
