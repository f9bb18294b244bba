from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "wavelength.feedback"
    label = "feedback"

    def ready(self) -> None:
        from wavelength.catalog.demo import register_demo
        from wavelength.intelligence.vectors import set_vector_store

        from . import receivers, tasks  # noqa: F401 - tasks registers the jobs' names
        from .sections import register_demand_section
        from .triage import DatabaseVectorStore

        register_demand_section()
        receivers.connect()
        set_vector_store(DatabaseVectorStore())
        register_demo(
            10,
            _build_demo,
            label="customers, feedback, the portal, closing the loop, scores",
        )


def _build_demo(*, seed: int, now) -> None:
    from .demo import build_feedback_demo

    build_feedback_demo(seed=seed, now=now)
