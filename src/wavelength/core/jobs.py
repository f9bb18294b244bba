"""Starting an app's background job by its task's name.

A service that queues its app's job cannot import the app's ``tasks`` module, which imports
that service to run it; it queues the job by name instead. The app's ``AppConfig.ready()``
imports its ``tasks`` so that every name is registered in every process.
"""

from celery import current_app


def queue(name: str, *args, **kwargs):
    """``delay()`` the task registered as ``name``: run in-process without a broker, on a
    worker with one."""
    return current_app.tasks[name].delay(*args, **kwargs)
