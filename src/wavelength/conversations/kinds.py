"""What can be commented on: a small registry of kinds.

Each kind names its model and how to fetch one object *for a person* through its own app's
selectors, so whoever may not see the object may not see its comments either (pages, API,
notifications). The built-in kinds are registered here; an app added later (feedback items,
companies…) registers its own with :func:`register_kind` from this app's ``ready()`` or its
own, as long as the dependency keeps pointing at ``conversations``::

    register_kind(
        "feedback",
        model=Feedback,
        label=_("feedback"),
        get_for_user=feedback_selectors.feedback_get,  # (*, user, pk) -> obj; 404 / 403
        scope=lambda item: "",                          # the activity scope (optional)
        owners=lambda item: [item.owner],               # who follows it from the start
    )

``get_for_user`` must raise ``Http404`` or ``PermissionDenied`` for someone who may not see
the object; ``can_see`` (optional) answers the same question without raising, and is what
notifications use for each recipient.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class CommentKind:
    key: str
    model: type[models.Model]
    label: Any
    get_for_user: Callable[..., models.Model]
    can_see_fn: Callable[[Any, models.Model], bool] | None = None
    scope_fn: Callable[[models.Model], str] | None = None
    owners_fn: Callable[[models.Model], Iterable] | None = None

    def get(self, *, user, pk: int) -> models.Model:
        """The object as ``user`` may see it (404 / 403 otherwise)."""
        return self.get_for_user(user=user, pk=pk)

    def load(self, pk: int) -> models.Model | None:
        """The object whoever asks (for background jobs, which check each reader after)."""
        return self.model._base_manager.filter(pk=pk).first()

    def can_see(self, user, obj: models.Model) -> bool:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        if self.can_see_fn is not None:
            return self.can_see_fn(user, obj)
        try:
            self.get(user=user, pk=obj.pk)
        except (Http404, PermissionDenied):
            return False
        return True

    def scope(self, obj: models.Model) -> str:
        return self.scope_fn(obj) if self.scope_fn else ""

    def owners(self, obj: models.Model) -> list:
        return [u for u in (self.owners_fn(obj) if self.owners_fn else []) if u is not None]


_registry: dict[str, CommentKind] = {}
_by_model: dict[type, CommentKind] = {}


def register_kind(
    key: str,
    *,
    model: type[models.Model],
    label,
    get_for_user: Callable[..., models.Model],
    can_see: Callable[[Any, models.Model], bool] | None = None,
    scope: Callable[[models.Model], str] | None = None,
    owners: Callable[[models.Model], Iterable] | None = None,
) -> CommentKind:
    """Make ``model`` commentable under the name ``key`` (used in URLs and the API)."""
    kind = CommentKind(key, model, label, get_for_user, can_see, scope, owners)
    _registry[key] = kind
    _by_model[model] = kind
    return kind


def unregister_kind(key: str) -> None:
    kind = _registry.pop(key, None)
    if kind is not None:
        _by_model.pop(kind.model, None)


def get_kind(key: str) -> CommentKind | None:
    return _registry.get(key)


def kind_of(obj) -> CommentKind | None:
    """The kind ``obj`` is commented on as, or None when it is not commentable."""
    return _by_model.get(type(obj))


def kind_for_model(model) -> CommentKind | None:
    return _by_model.get(model)


def all_kinds() -> list[CommentKind]:
    return list(_registry.values())


def _member(user, obj) -> bool:
    return True  # every active person reads the catalog, quality, feedback and playbook runs


FEEDBACK_SCOPE = "feedback"  # the activity scope of feedback items and companies


def register_builtin() -> None:
    from wavelength.catalog import selectors as catalog
    from wavelength.catalog.models import Feature, Release
    from wavelength.feedback import selectors as feedback
    from wavelength.feedback.models import Company, Feedback
    from wavelength.knowledge import access as knowledge_access
    from wavelength.knowledge import selectors as knowledge
    from wavelength.knowledge.models import Page
    from wavelength.processes import selectors as processes
    from wavelength.processes.models import Run
    from wavelength.quality import selectors as quality
    from wavelength.quality.models import Defect, TestRun

    register_kind(
        "feature",
        model=Feature,
        label=_("feature"),
        get_for_user=catalog.feature_get,
        can_see=_member,
        scope=lambda f: f"catalog.product:{f.product_id}",
        owners=lambda f: [f.owner],
    )
    register_kind(
        "release",
        model=Release,
        label=_("release"),
        get_for_user=catalog.release_get,
        can_see=_member,
        scope=lambda r: f"catalog.product:{r.product_id}",
    )
    register_kind(
        "page",
        model=Page,
        label=_("page"),
        get_for_user=knowledge.page_get,
        can_see=lambda user, page: knowledge_access.can_read_space(user, page.space),
        scope=lambda p: p.scope,
        owners=lambda p: [p.owner],
    )
    register_kind(
        "defect",
        model=Defect,
        label=_("defect"),
        get_for_user=quality.defect_get,
        can_see=_member,
        scope=lambda d: f"catalog.product:{d.product_id}",
    )
    register_kind(
        "test_run",
        model=TestRun,
        label=_("test run"),
        get_for_user=quality.run_get,
        can_see=_member,
        scope=lambda r: f"catalog.product:{r.product_id}",
        owners=lambda r: list(r.assignees.all()),
    )
    register_kind(
        "playbook_run",
        model=Run,
        label=_("playbook run"),
        get_for_user=processes.run_get,
        can_see=_member,
        scope=lambda r: r.scope,
    )
    register_kind(
        "feedback",
        model=Feedback,
        label=_("feedback item"),
        get_for_user=feedback.feedback_get,
        can_see=_member,
        scope=lambda item: FEEDBACK_SCOPE,
    )
    register_kind(
        "company",
        model=Company,
        label=_("company"),
        get_for_user=feedback.company_get,
        can_see=_member,
        scope=lambda company: FEEDBACK_SCOPE,
        owners=lambda company: [company.owner],
    )
