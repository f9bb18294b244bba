"""``wavelength serve``: the web application under gunicorn, static files through whitenoise."""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from gunicorn.app.base import BaseApplication


class WavelengthServer(BaseApplication):
    """gunicorn configured from a dict instead of its own command line or a config file."""

    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key.startswith("control_socket") and key not in self.cfg.settings:
                continue  # the control socket arrived in gunicorn 24
            self.cfg.set(key, value)

    def load(self):
        from wavelength.wsgi import application

        return application


def _control_socket() -> dict:
    """Keep gunicorn's control socket in the data directory, not one shared per home."""
    path = str(settings.DATA_DIR / "gunicorn.ctl")
    if len(path) > 100:  # a Unix socket path is limited to ~104 bytes
        return {"control_socket_disable": True}
    return {"control_socket": path}


def _env_int(name: str, default: int) -> int:
    value = os.getenv(name, "")
    try:
        return int(value) if value.strip() else default
    except ValueError:
        raise CommandError(f"{name} must be a whole number, not {value!r}.") from None


class Command(BaseCommand):
    help = "Serve Wavelength with gunicorn (static files through whitenoise)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--host", default=os.getenv("HOST", "127.0.0.1"), help="Address to bind (HOST)."
        )
        parser.add_argument(
            "--port", type=int, default=None, help="Port to bind (PORT, default 8000)."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Worker processes (WEB_CONCURRENCY, default 2).",
        )
        parser.add_argument(
            "--threads", type=int, default=None, help="Threads per worker (default 1)."
        )
        parser.add_argument(
            "--timeout", type=int, default=60, help="Seconds before a stuck worker is restarted."
        )
        parser.add_argument(
            "--no-migrate",
            action="store_true",
            help="Do not apply pending database migrations before serving.",
        )

    def handle(self, *args, **options):
        config = self.gunicorn_options(options)
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        # Workers fork from this process: they must not share its database connections.
        connections.close_all()
        self.stdout.write(
            f"Serving Wavelength on http://{config['bind']}/ "
            f"({config['workers']} worker(s); Ctrl+C to stop)"
        )
        WavelengthServer(config).run()

    def gunicorn_options(self, options: dict) -> dict:
        port = options["port"] if options["port"] is not None else _env_int("PORT", 8000)
        workers = options["workers"] or _env_int("WEB_CONCURRENCY", 2)
        threads = options["threads"] or _env_int("GUNICORN_THREADS", 1)
        if not 0 < port < 65536:
            raise CommandError(f"Port {port} is out of range (1-65535).")
        if workers < 1 or threads < 1:
            raise CommandError("--workers and --threads must be at least 1.")
        host = options["host"]
        bind = f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"
        return {
            "bind": bind,
            "workers": workers,
            "threads": threads,
            "timeout": options["timeout"],
            "accesslog": "-",
            "errorlog": "-",
            "proc_name": "wavelength",
            "forwarded_allow_ips": os.getenv("FORWARDED_ALLOW_IPS", "127.0.0.1"),
            **_control_socket(),
        }
