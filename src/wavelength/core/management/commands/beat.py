"""``wavelength beat``: Celery beat, which queues every periodic job of Wavelength on time."""

from wavelength.core.management.celery_command import CeleryCommand

NO_BROKER = (
    "CELERY_BROKER_URL is not set, so there is no queue to hand periodic jobs to. Set "
    "CELERY_BROKER_URL or REDIS_URL (e.g. redis://localhost:6379/0) for `wavelength serve`, "
    "`wavelength worker` and `wavelength beat`; without a broker, run the matching commands "
    "from cron instead (e.g. `wavelength knowledge-remind` daily)."
)


class Command(CeleryCommand):
    help = (
        "Start Celery beat: it queues Wavelength's periodic jobs (reminders, digests, webhook "
        "retries…) for the workers. Run exactly one. Other options (--max-interval 30…) are "
        "passed to `celery beat`."
    )
    no_broker = NO_BROKER

    def handle(self, *args, celery_args=(), **options):
        argv = self.celery_argv("beat", celery_args)
        from wavelength.celery import app

        app.start(argv)
