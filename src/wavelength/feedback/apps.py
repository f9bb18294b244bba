from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "wavelength.feedback"
    label = "feedback"

    def ready(self) -> None:
        from . import tasks  # noqa: F401 - registers the jobs' names
        from .sections import register_demand_section

        register_demand_section()
