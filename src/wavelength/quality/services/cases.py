"""Suites and test cases. Every edit of a case writes a new, immutable version."""

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_editor
from wavelength.catalog.models import Feature, Product
from wavelength.core import activity, clock, versioning
from wavelength.core.exceptions import Conflict, DomainError

from ..models import CaseVersion, Priority, Suite, TestCase
from ._checks import choice, scope_of, steps, tags, text
from .indexing import index_case

_MISSING = object()


# Suites -----------------------------------------------------------------------------------


def _check_parent(product: Product, parent: Suite | None, suite: Suite | None = None) -> None:
    if parent is None:
        return
    if parent.product_id != product.pk:
        raise DomainError(_("This suite belongs to another product."), field="parent")
    node = parent
    while node is not None and suite is not None:
        if node.pk == suite.pk:
            raise DomainError(_("A suite cannot be moved inside itself."), field="parent")
        node = node.parent


def _check_suite_name(product: Product, parent: Suite | None, name: str, pk=None) -> None:
    clash = Suite.objects.filter(product=product, parent=parent, name__iexact=name)
    if clash.exclude(pk=pk).exists():
        raise DomainError(_("This level already has a suite with this name."), field="name")


@transaction.atomic
def suite_create(
    *, actor, product: Product, name: str, parent: Suite | None = None, description: str = ""
) -> Suite:
    """A suite at the top of ``product``'s tree or inside ``parent``."""
    require_editor(actor)
    name = text(name, "name", 120, required=True)
    _check_parent(product, parent)
    _check_suite_name(product, parent, name)
    suite = Suite.objects.create(
        product=product,
        parent=parent,
        name=name,
        description=text(description, "description", 10000),
        created_at=clock.now(),
    )
    activity.record(
        actor=actor,
        verb="created",
        target=suite,
        scope=scope_of(product),
        snapshot=activity.snapshot(suite, Suite.TRACKED),
    )
    return suite


@transaction.atomic
def suite_update(
    *,
    actor,
    suite: Suite,
    name=_MISSING,
    parent=_MISSING,
    description=_MISSING,
    if_version: str | None = None,
) -> Suite:
    """Rename, describe or move a suite (never under itself or one of its children).
    ``if_version`` (the version the edit started from) refuses a stale edit."""
    require_editor(actor)
    suite = Suite.objects.select_for_update().get(pk=suite.pk)
    versioning.check(suite, if_version)
    before = activity.snapshot(suite, Suite.TRACKED)
    if name is not _MISSING:
        suite.name = text(name, "name", 120, required=True)
    if description is not _MISSING:
        suite.description = text(description, "description", 10000)
    if parent is not _MISSING:
        _check_parent(suite.product, parent, suite)
        suite.parent = parent
    _check_suite_name(suite.product, suite.parent, suite.name, pk=suite.pk)
    suite.save()
    changes = activity.diff(before, activity.snapshot(suite, Suite.TRACKED))
    if changes:
        activity.record(
            actor=actor,
            verb="updated",
            target=suite,
            scope=scope_of(suite.product),
            changes=changes,
        )
    return suite


def suite_for_automation(*, product: Product) -> Suite:
    """The top-level "Automated" suite of ``product``, where imported tests land (no activity
    when it exists; created with one otherwise). Call inside the caller's transaction."""
    suite = Suite.objects.filter(product=product, parent=None, name="Automated").first()
    if suite is not None:
        return suite
    suite = Suite.objects.create(product=product, name="Automated", created_at=clock.now())
    activity.record(
        actor=None,
        verb="created",
        target=suite,
        scope=scope_of(product),
        snapshot=activity.snapshot(suite, Suite.TRACKED),
    )
    return suite


# Cases ------------------------------------------------------------------------------------


def _check_features(product: Product, features: Iterable[Feature]) -> list[Feature]:
    features = list(features)
    if any(f.product_id != product.pk for f in features):
        raise DomainError(_("Every linked feature must belong to this product."), field="features")
    return features


def _check_automation_id(product: Product, value: str, pk=None) -> str:
    value = text(value, "automation_id", 500)
    if (
        value
        and TestCase.objects.filter(product=product, automation_id=value).exclude(pk=pk).exists()
    ):
        raise DomainError(
            _("Another test case already has this automated-test identifier."),
            field="automation_id",
        )
    return value


def _state(case: TestCase) -> dict:
    """The tracked fields of a case; steps keep their order (the core snapshot sorts lists)."""
    fields = [f for f in TestCase.TRACKED if f != "steps"]
    return {**activity.snapshot(case, fields), "steps": list(case.steps)}


def _write_version(case: TestCase, *, actor) -> CaseVersion:
    return CaseVersion.objects.create(
        case=case,
        number=case.version,
        title=case.title,
        preconditions=case.preconditions,
        steps=case.steps,
        priority=case.priority,
        automation_id=case.automation_id,
        tags=sorted(t.name for t in case.tags.all()),
        feature_ids=sorted(case.features.values_list("pk", flat=True)),
        author=actor if getattr(actor, "pk", None) else None,
        created_at=case.updated_at,
    )


@transaction.atomic
def case_create(
    *,
    actor,
    suite: Suite,
    title: str,
    preconditions: str = "",
    steps_: list | None = None,
    priority: str = Priority.MEDIUM,
    tags_: Iterable[str] = (),
    features: Iterable[Feature] = (),
    automation_id: str = "",
) -> TestCase:
    """A test case in ``suite`` with its first version."""
    require_editor(actor)
    product = suite.product
    now = clock.now()
    case = TestCase(
        product=product,
        suite=suite,
        title=text(title, "title", 200, required=True),
        preconditions=text(preconditions, "preconditions", 10000),
        steps=steps(steps_),
        priority=choice(priority, Priority, "priority"),
        automation_id=_check_automation_id(product, automation_id),
        version=1,
        created_at=now,
        updated_at=now,
    )
    features = _check_features(product, features)
    case.save()
    case.tags.set(tags(tags_))
    case.features.set(features)
    _write_version(case, actor=actor)
    index_case(case)
    activity.record(
        actor=actor,
        verb="created",
        target=case,
        scope=scope_of(product),
        snapshot=_state(case),
    )
    return case


@transaction.atomic
def case_update(
    *,
    actor,
    case: TestCase,
    expected_version: int | None = None,
    suite=_MISSING,
    title=_MISSING,
    preconditions=_MISSING,
    steps_=_MISSING,
    priority=_MISSING,
    tags_=_MISSING,
    features=_MISSING,
    automation_id=_MISSING,
    archived=_MISSING,
    if_version: str | None = None,
) -> TestCase:
    """Edit a case: a new version when anything changed. ``if_version`` (the fingerprint the
    edit started from, see core.versioning) refuses a stale edit with a 412;
    ``expected_version`` (the version number the editor started from) with a 409."""
    require_editor(actor)
    case = TestCase.objects.select_for_update().get(pk=case.pk)
    versioning.check(case, if_version)
    if expected_version is not None and expected_version != case.version:
        raise Conflict(
            _("Someone saved version %(n)d of this case meanwhile; reload it and edit again.")
            % {"n": case.version},
            field="expected_version",
        )
    before = _state(case)
    product = case.product
    if suite is not _MISSING:
        if suite.product_id != product.pk:
            raise DomainError(_("This suite belongs to another product."), field="suite")
        case.suite = suite
    if title is not _MISSING:
        case.title = text(title, "title", 200, required=True)
    if preconditions is not _MISSING:
        case.preconditions = text(preconditions, "preconditions", 10000)
    if steps_ is not _MISSING:
        case.steps = steps(steps_)
    if priority is not _MISSING:
        case.priority = choice(priority, Priority, "priority")
    if automation_id is not _MISSING:
        case.automation_id = _check_automation_id(product, automation_id, pk=case.pk)
    if archived is not _MISSING:
        case.archived = bool(archived)
    if features is not _MISSING:
        case.features.set(_check_features(product, features))
    if tags_ is not _MISSING:
        case.tags.set(tags(tags_))
    changes = activity.diff(before, _state(case))
    if not changes:
        return case
    case.version += 1
    case.updated_at = clock.now()
    case.save()
    _write_version(case, actor=actor)
    index_case(case)
    activity.record(
        actor=actor,
        verb="updated",
        target=case,
        scope=scope_of(product),
        changes=changes,
        version=case.version,
    )
    return case
