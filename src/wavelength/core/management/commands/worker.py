"""``wavelength worker``: a Celery worker for background jobs, when a broker is configured."""

from wavelength.core.management.celery_command import CeleryCommand

NO_BROKER = (
    "CELERY_BROKER_URL is not set, so background jobs already run inside the web process and "
    "no worker is needed. To run them in workers, set CELERY_BROKER_URL or REDIS_URL "
    "(e.g. redis://localhost:6379/0) for both `wavelength serve` and `wavelength worker`."
)


class Command(CeleryCommand):
    help = (
        "Start a Celery worker for Wavelength's background jobs. Other options "
        "(--concurrency 4, --queues default, --beat…) are passed to `celery worker`."
    )
    no_broker = NO_BROKER

    def handle(self, *args, celery_args=(), **options):
        argv = self.celery_argv("worker", celery_args)
        from wavelength.celery import app

        app.worker_main(argv)
