"""What the planning app adds to other pages and registries: the feature page's "Objectives
and roadmap" section, and the Wavelength figures key results can follow."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from wavelength.catalog.sections import register_section
from wavelength.core import timeline

from . import standards
from .figures import register_figure
from .models import Column


def _feature_planning(*, user, feature):
    from .selectors import feature_planning

    return feature_planning(user=user, feature=feature)


def _product_standards(*, user, product):
    from .selectors import stage_standards

    # One item, so the section and its link show even while no stage asks anything.
    return [[row for row in stage_standards(user=user, product=product) if row.requirements]]


def demand(*, user, objective):
    """Feedback items and counted votes asking for the objective's features."""
    from wavelength.feedback.selectors import demand_for_features

    ids = list(objective.features.values_list("pk", flat=True))
    return sum(d.voices for d in demand_for_features(user=user, feature_ids=ids).values())


def shipped_share(*, user, objective):
    """The share of the objective's features that are generally available, in percent."""
    counts = objective.features.aggregate(
        total=Count("pk"), shipped=Count("pk", filter=Q(stage="generally_available"))
    )
    if not counts["total"]:
        return None
    return 100 * counts["shipped"] / counts["total"]


def nps(*, user, objective):
    """The Net Promoter Score of the answers given during the objective's period to the NPS
    surveys (those whose headline question is NPS) about its features or its product."""
    from wavelength.research.models import QuestionKind, Response, Survey

    about = Q(feature__in=objective.features.values("pk"))
    if objective.product_id:
        about |= Q(product_id=objective.product_id)
    surveys = (
        Survey.objects.filter(about, questions__kind=QuestionKind.NPS)
        .exclude(questions__kind__in=[QuestionKind.CSAT, QuestionKind.CES]).values("pk")
    )  # fmt: skip
    row = Response.objects.filter(
        survey__in=surveys, score__isnull=False,
        submitted_at__date__range=(objective.period_start, objective.period_end),
    ).aggregate(
        n=Count("pk"),
        promoters=Count("pk", filter=Q(score__gte=9)),
        detractors=Count("pk", filter=Q(score__lte=6)),
    )  # fmt: skip
    if not row["n"]:
        return None
    return 100 * (row["promoters"] - row["detractors"]) / row["n"]


def pass_rate(*, user, objective):
    """Passed results among the executed results of the objective's features' test cases."""
    from wavelength.quality.models import ResultStatus, TestResult

    results = TestResult.objects.filter(case__features__in=objective.features.values("pk")).exclude(
        status=ResultStatus.UNTESTED
    )
    counts = results.aggregate(
        executed=Count("pk", distinct=True),
        passed=Count("pk", distinct=True, filter=Q(status=ResultStatus.PASSED)),
    )
    if not counts["executed"]:
        return None
    return 100 * counts["passed"] / counts["executed"]


def register() -> None:
    register_section(
        "feature",
        "planning",
        title=_("Objectives and roadmap"),
        template="planning/_feature_section.html",
        loader=_feature_planning,
        order=15,
        count=lambda items: len(items[0].objectives),
    )
    register_section(
        "product",
        "stage_standards",
        title=_("Stage standards"),
        template="planning/_product_standards.html",
        loader=_product_standards,
        order=35,
        count=lambda items: sum(len(row.requirements) for row in items[0]),
    )
    register_figure("demand", label=_("Demand: feedback items and votes"), compute=demand)
    register_figure(
        "shipped", label=_("Features generally available (%)"), compute=shipped_share, unit="%"
    )
    register_figure("pass_rate", label=_("Test pass rate (%)"), compute=pass_rate, unit="%")
    register_figure("nps", label=_("Net Promoter Score"), compute=nps)
    timeline.register_values("roadmap_column", label=_("Roadmap column"), choices=Column.choices)
    for stage in standards.STAGES:
        timeline.register_values(f"standard_{stage}", label=_standard_label(stage), choices=[])
    standards.register()


def _standard_label(stage: str):
    from django.utils.functional import lazy

    from wavelength.catalog.models import Stage

    return lazy(lambda: _("Standard for “%(stage)s”") % {"stage": Stage(stage).label}, str)()
