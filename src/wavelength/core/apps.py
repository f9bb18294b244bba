from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _create_cache_table(sender, using="default", **kwargs):
    """The database cache needs its table: ``migrate`` makes it, like every other table."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "wavelength.core"
    label = "core"

    def ready(self):
        # The Celery application must exist before any task is sent, in every process.
        from wavelength import celery  # noqa: F401

        post_migrate.connect(_create_cache_table, sender=self)
        # Every connection's writes renew the generations the kept pages are checked against.
        from . import pagecache

        pagecache.install()
