"""The demo's estimates: product managers have estimated most features still to build, so the
scores rank them. A step of the feedback demo (registered from ``PrioritisationConfig.ready``)."""

from . import services

OPEN_STAGES = {"idea", "discovery", "planned", "in_development", "beta"}


def build_prioritisation_demo(*, rng, actor, features, **_context) -> None:
    for feature in features:
        if feature.stage in OPEN_STAGES and rng.random() < 0.8:
            services.feature_score_update(
                actor=actor,
                feature=feature,
                impact=rng.choice(["0.5", "1", "2", "3"]),
                confidence=rng.choice([50, 80, 100]),
                effort=rng.choice(["0.5", "1", "2", "3", "5", "8"]),
            )
