"""The demo's planning: an objective per product for this quarter (with key results, some read
from Wavelength figures), the features that serve them, a few features placed on the Now /
Next / Later board with a reason, one moved into the next release, and the first product's
stage standards with one feature moved past them for a stated reason. Dates count back from
the story's end, so the story is the same on any date; every write goes through the services
at its own time (clock.travel)."""

import datetime as dt

from django.db import transaction

from wavelength.accounts.models import User
from wavelength.catalog.models import Feature, Product, Release, Stage
from wavelength.core import clock

from . import services, standards
from .models import Column, Objective

OBJECTIVES = [
    ("Win the accounts that ask for it most",
     "Ship what our largest customers keep asking for, and tell them.",
     [("Feedback items and votes on its features", 0, 250, "", "demand"),
      ("Features generally available", 0, 100, "%", "shipped")]),
    ("A release people trust",
     "Every release passes its gate on the first try.",
     [("Test pass rate", 80, 98, "%", "pass_rate"),
      ("Releases shipped on their target date", 0, 4, "", "")]),
]  # fmt: skip


def build_planning_demo(*, now: dt.datetime | None = None) -> dict:
    """Add the demo's objectives and roadmap moves unless some objective exists."""
    if Objective.objects.exists():
        return {"created": False}
    now = now or clock.now()
    actor = User.objects.filter(role="admin", is_active=True).order_by("pk").first()
    products = list(Product.objects.order_by("pk")[:2])
    if actor is None or not products:
        return {"created": False}
    start = now.date().replace(day=1) - dt.timedelta(days=30)
    with transaction.atomic(), clock.travel(now - dt.timedelta(days=20)):
        for index, product in enumerate(products):
            _objective(actor, product, OBJECTIVES[index % len(OBJECTIVES)], start)
    with transaction.atomic():
        _roadmap(actor, products, now)
    with transaction.atomic(), clock.travel(now - dt.timedelta(days=1)):
        _standards(actor, products[0])
    return {"created": True, "objectives": Objective.objects.count()}


def _objective(actor, product, spec, start) -> Objective:
    title, description, key_results = spec
    features = list(
        Feature.objects.filter(product=product)
        .exclude(stage__in=[Stage.RETIRED, Stage.DEPRECATED])
        .order_by("pk")[:5]
    )
    objective = services.objective_create(
        actor=actor,
        data=services.ObjectiveData(
            title=f"{product.name}: {title}", description=description, owner=actor,
            product=product, period_start=start, period_end=start + dt.timedelta(days=120),
            features=features,
        ),
    )  # fmt: skip
    for kr_title, kr_start, target, unit, figure in key_results:
        key_result = services.key_result_create(
            actor=actor, objective=objective, title=kr_title, start=kr_start, target=target,
            unit=unit, figure=figure,
        )  # fmt: skip
        if not figure:
            services.key_result_update(actor=actor, key_result=key_result, current=1)
    return objective


def _roadmap(actor, products, now) -> None:
    reasons = {
        Column.NOW: "Top of the prioritisation table; the team has capacity this sprint.",
        Column.NEXT: "Asked for by two of our largest accounts; shaping is done.",
        Column.LATER: "Worth doing, but after this quarter's objectives.",
    }
    for product in products:
        ideas = list(
            Feature.objects.filter(
                product=product, stage__in=[Stage.IDEA, Stage.DISCOVERY]
            ).order_by("pk")[:3]
        )
        for feature, column in zip(ideas, [Column.NEXT, Column.NOW, Column.LATER], strict=False):
            with clock.travel(now - dt.timedelta(days=3)):
                services.roadmap_move(
                    actor=actor, feature=feature, column=column, reason=reasons[column]
                )
        release = (
            Release.objects.filter(product=product, status__in=services.OPEN)
            .order_by("target_date", "pk")
            .first()
        )
        planned = (
            Feature.objects.filter(product=product, stage=Stage.PLANNED)
            .exclude(releases=release)
            .order_by("pk")
            .first()
        )
        if release is not None and planned is not None:
            with clock.travel(now - dt.timedelta(days=2)):
                services.roadmap_move(
                    actor=actor, feature=planned, release=release,
                    reason="Agreed in the weekly product sync: it fits this release.",
                )  # fmt: skip


STANDARDS = {
    Stage.PLANNED: ["feature.page_from_template:product-requirements", "feature.estimate"],
    Stage.IN_DEVELOPMENT: ["feature.owner"],
    Stage.GENERALLY_AVAILABLE: ["feature.page_from_template:release-notes", "feature.test_case"],
}


def _standards(actor, product) -> None:
    """The first product's standards, and a feature in discovery moved to planned without its
    requirements page, for a reason (the history and the standards page show it)."""
    services.stage_standard_set(actor=actor, product=product, requirements=STANDARDS)
    feature = Feature.objects.filter(product=product, stage=Stage.DISCOVERY).order_by("pk").first()
    if feature is not None and standards.unmet(feature=feature, stage=Stage.PLANNED):
        services.feature_move_stage(
            actor=actor, feature=feature, stage=Stage.PLANNED,
            override_reason="Committed to a customer for this quarter; the requirements page "
            "follows this week.",
        )  # fmt: skip
