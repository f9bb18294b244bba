"""Stage standards ("definition of ready / done"): what a product's features must have before
they enter a lifecycle stage.

A requirement names a condition of ``core.conditions`` (the registry release gates and
playbook checks use) evaluated on the feature, with its one parameter when it has one (the
template a page must follow, the playbook a run must have completed). This module registers
the conditions about a feature that the planning app can read, and the check
``catalog.services.feature_move_stage`` runs through ``catalog.standards``.
"""

import re
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wavelength.catalog.models import Feature, Stage
from wavelength.catalog.standards import Unmet, register_stage_check
from wavelength.core import conditions
from wavelength.core.conditions import ConditionResult

# The stages a standard can be set for: every stage a feature can enter from another.
STAGES = [s for s in Stage.values if s != Stage.IDEA]

# The conditions offered on the standards page, in this order (others registered on a feature
# may be stored through the API).
OFFERED = [
    "feature.owner",
    "feature.estimate",
    "feature.page_from_template",
    "feature.test_case",
    "feature.enablement",
    "feature.playbook_run",
    "knowledge.pages_published",
]

HEADING = re.compile(r"^#{1,3}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def _headings(text: str) -> set[str]:
    return {h.strip().lower() for h in HEADING.findall(text or "")}


# Conditions about a feature ---------------------------------------------------------------


def has_owner(*, target, subject=None, params=None) -> ConditionResult:
    """The feature has an owner (a person)."""
    if target.owner_id:
        return ConditionResult(ok=True, detail=str(target.owner))
    url = reverse("catalog:feature-edit", args=[target.pk])
    return ConditionResult(
        ok=False, detail=_("Nobody owns it."), missing=[(_("Name an owner"), url)]
    )


def page_from_template(*, target, subject=None, params=None) -> ConditionResult:
    """A page about the feature made from the template named in ``params`` (it keeps every
    heading of the template)."""
    from wavelength.knowledge.models import Page, PageTemplate

    key = str((params or {}).get("template", ""))
    template = PageTemplate.objects.filter(key=key).first()
    if template is None:
        return ConditionResult(ok=False, detail=_("The template no longer exists."))
    wanted = _headings(template.body)
    pages = Page.objects.filter(links__kind="feature", links__target_id=target.pk).distinct()
    for page in pages.only("pk", "title", "body").order_by("pk")[:50]:
        if wanted <= _headings(page.body):
            return ConditionResult(ok=True, detail=page.title)
    query = urlencode({
        "template": template.key,
        "title": f"{target.title} · {template.name}",
        "about": f"feature:{target.pk}",
    })  # fmt: skip
    url = f"{reverse('knowledge:page-create')}?{query}"
    return ConditionResult(
        ok=False,
        detail=_("No page about it follows the “%(name)s” template.") % {"name": template.name},
        missing=[(_("Write the “%(name)s” page") % {"name": template.name}, url)],
    )


def _template_choices(*, user=None):
    from wavelength.knowledge.models import PageTemplate

    return [(t.key, t.name) for t in PageTemplate.objects.order_by("position", "name")]


def has_test_case(*, target, subject=None, params=None) -> ConditionResult:
    """At least one active test case covers the feature."""
    from wavelength.quality.models import TestCase

    n = TestCase.objects.filter(features=target, archived=False).count()
    if n:
        return ConditionResult(ok=True, detail=_("%(n)d test cases") % {"n": n})
    url = reverse("quality:case-create", args=[target.product.slug]) + f"?feature={target.pk}"
    return ConditionResult(
        ok=False, detail=_("No test case covers it."), missing=[(_("Write a test case"), url)]
    )


def has_enablement(*, target, subject=None, params=None) -> ConditionResult:
    """A course or a lesson (not archived) is about the feature."""
    from wavelength.training.models import Course, CourseStatus

    live = ~Q(status=CourseStatus.ARCHIVED)
    course = (
        Course.objects.filter(live)
        .filter(Q(features=target) | Q(lessons__features=target))
        .order_by("pk")
        .first()
    )
    if course is not None:
        return ConditionResult(ok=True, detail=course.title)
    return ConditionResult(
        ok=False,
        detail=_("No course or lesson is about it."),
        missing=[(_("Prepare a course"), reverse("training:course-create"))],
    )


def playbook_run(*, target, subject=None, params=None) -> ConditionResult:
    """A completed run for the feature (of the playbook named in ``params``, or of any)."""
    from wavelength.processes.models import Playbook, Run, RunStatus

    slug = str((params or {}).get("playbook", ""))
    playbook = Playbook.objects.filter(slug=slug).first() if slug else None
    if slug and playbook is None:
        return ConditionResult(ok=False, detail=_("The playbook no longer exists."))
    runs = Run.objects.for_target(target).filter(status=RunStatus.COMPLETED)
    if playbook is not None:
        runs = runs.filter(playbook=playbook)
    run = runs.order_by("-completed_at", "-pk").first()
    if run is not None:
        return ConditionResult(ok=True, detail=run.title)
    query = {"target_kind": "feature", "target_id": target.pk}
    if playbook is not None:
        query["playbook"] = playbook.slug
    url = f"{reverse('processes:run-start')}?{urlencode(query)}"
    name = playbook.name if playbook else _("a playbook")
    return ConditionResult(
        ok=False,
        detail=_("No completed run of %(name)s for it.") % {"name": name},
        missing=[(_("Start a run"), url)],
    )


def _playbook_choices(*, user=None):
    from wavelength.processes.models import Playbook

    rows = Playbook.objects.filter(current_version__isnull=False).order_by("name")
    return [("", _("Any playbook"))] + [(p.slug, p.name) for p in rows[:200]]


def register_conditions() -> None:
    conditions.register_condition(
        "feature.owner",
        label=gettext_lazy("An owner"),
        description=gettext_lazy("A person owns the feature."),
        evaluate=has_owner,
    )
    conditions.register_condition(
        "feature.page_from_template",
        label=gettext_lazy("A page made from a template"),
        description=gettext_lazy(
            "A page about the feature (it links to it) that keeps every heading of the template."
        ),
        evaluate=page_from_template,
        params=("template",),
        choices=_template_choices,
    )
    conditions.register_condition(
        "feature.test_case",
        label=gettext_lazy("At least one test case"),
        description=gettext_lazy("An active test case covers the feature."),
        evaluate=has_test_case,
    )
    conditions.register_condition(
        "feature.enablement",
        label=gettext_lazy("Enablement"),
        description=gettext_lazy("A course or a lesson that is not archived is about it."),
        evaluate=has_enablement,
    )
    conditions.register_condition(
        "feature.playbook_run",
        label=gettext_lazy("A completed playbook run"),
        description=gettext_lazy("A run for the feature is completed."),
        evaluate=playbook_run,
        params=("playbook",),
        choices=_playbook_choices,
    )


# Requirements and the check ---------------------------------------------------------------


def option_value(condition: str, param: str = "") -> str:
    return f"{condition}:{param}" if param else condition


def parse_option(value: str) -> tuple[str, str]:
    condition, _sep, param = (value or "").partition(":")
    return condition, param


def options() -> list[tuple[str, str]]:
    """Every requirement the standards page offers, as (value, label)."""
    out = []
    for key in OFFERED:
        condition = conditions.get_condition(key)
        if condition is None:
            continue
        if condition.params and condition.choices:
            for value, name in condition.choices(user=None):
                out.append((option_value(key, value), f"{condition.label}: {name}"))
        else:
            out.append((key, str(condition.label)))
    return out


def requirement_label(condition_key: str, param: str = "", labels: dict | None = None) -> str:
    """A requirement as a person reads it: its condition, and its parameter's name."""
    labels = labels if labels is not None else dict(options())
    value = option_value(condition_key, param)
    if value in labels:
        return labels[value]
    condition = conditions.get_condition(condition_key)
    name = str(condition.label) if condition else condition_key
    return f"{name}: {param}" if param else name


def evaluate(requirement, feature: Feature, labels: dict | None = None) -> tuple[str, object]:
    """One requirement of a standard on ``feature``: its label and its result."""
    condition = conditions.get_condition(requirement.condition)
    params = {}
    if condition is not None and condition.params and requirement.param:
        params[condition.params[0]] = requirement.param
    result = conditions.evaluate(requirement.condition, target=feature, params=params)
    return requirement_label(requirement.condition, requirement.param, labels), result


def unmet(*, feature: Feature, stage: str) -> list[Unmet]:
    """The requirements of the feature's product's standard for ``stage`` it fails."""
    from .models import StageRequirement

    rows = list(StageRequirement.objects.filter(product_id=feature.product_id, stage=stage))
    if not rows:
        return []
    labels = dict(options())
    out = []
    for row in rows:
        label, result = evaluate(row, feature, labels)
        if not result.ok:
            out.append(Unmet(label=label, detail=result.detail, missing=tuple(result.missing)))
    return out


def review_url(feature: Feature, stage: str) -> str:
    return reverse("planning:feature-stage", args=[feature.pk]) + f"?stage={stage}"


def short_of_standard(*, release):
    """The ship confirmation's part: the release's features that would move to the stage it
    ships them at by default without meeting its product's standard for it (``None`` when the
    product sets no standard for that stage)."""
    from wavelength.catalog import shipping
    from wavelength.catalog.shipping import SummaryPart

    from .models import StageRequirement

    stage = shipping.default_features_to(release)
    if not StageRequirement.objects.filter(product_id=release.product_id, stage=stage).exists():
        return None
    moving = release.features.filter(stage__in=shipping.stages_before(stage)).order_by("title")
    items = []
    for feature in moving.select_related("product")[:50]:
        missing = unmet(feature=feature, stage=stage)
        if missing:
            labels = ", ".join(str(m.label) for m in missing)
            items.append((f"{feature.title}: {labels}", review_url(feature, stage)))
    detail = _("Shipping still moves them; their history keeps what they missed.")
    return SummaryPart(count=len(items), detail=detail if items else "", items=items)


def register() -> None:
    from wavelength.catalog.shipping import register_ship_summary

    register_conditions()
    register_stage_check(unmet, review_url=review_url)
    register_ship_summary(
        "planning.standards",
        title=gettext_lazy("Features short of the stage's standard"),
        summarise=short_of_standard,
        order=40,
    )
