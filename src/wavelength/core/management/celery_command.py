"""What ``wavelength worker`` and ``wavelength beat`` share: both need a broker, and both hand
every option they do not know to Celery."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class CeleryCommand(BaseCommand):
    """A command that runs part of Celery; ``no_broker`` is its refusal without a broker."""

    no_broker = "CELERY_BROKER_URL is not set."
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

    def celery_argv(self, program: str, celery_args) -> list[str]:
        """``[program, *celery_args]`` with ``--loglevel=INFO`` unless one is given; refuses
        without a broker."""
        if not settings.CELERY_BROKER_URL:
            raise CommandError(self.no_broker)
        argv = [program, *celery_args]
        if not any(a.startswith(("--loglevel", "-l")) for a in celery_args):
            argv.append("--loglevel=INFO")
        return argv
