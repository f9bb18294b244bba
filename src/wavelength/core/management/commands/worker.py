"""``wavelength worker``: a Celery worker for background jobs, when a broker is configured."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

NO_BROKER = (
    "CELERY_BROKER_URL is not set, so background jobs already run inside the web process and "
    "no worker is needed. To run them in workers, set CELERY_BROKER_URL "
    "(e.g. redis://localhost:6379/0) for both `wavelength serve` and `wavelength worker`."
)


class Command(BaseCommand):
    help = (
        "Start a Celery worker for Wavelength's background jobs. Other options "
        "(--concurrency 4, --queues default, --beat…) are passed to `celery worker`."
    )
    # Unknown options are collected by the parser below and handed to Celery.
    stealth_options = ("celery_args",)

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parse_known_args = parser.parse_known_args

        def parse_args(args=None, namespace=None):
            options, extra = parse_known_args(args, namespace)
            options.celery_args = extra
            return options

        parser.parse_args = parse_args
        return parser

    def handle(self, *args, celery_args=(), **options):
        if not settings.CELERY_BROKER_URL:
            raise CommandError(NO_BROKER)
        from wavelength.celery import app

        argv = ["worker", *celery_args]
        if not any(a.startswith(("--loglevel", "-l")) for a in celery_args):
            argv.append("--loglevel=INFO")
        app.worker_main(argv)
