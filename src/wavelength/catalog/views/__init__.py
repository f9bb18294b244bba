"""Catalog pages: products and their boards, features, releases and the changelog.

Views parse the request, call one selector or service and render. A page's htmx fragments
come from the same view: the element htmx targets (``HX-Target``) names the fragment.
A :class:`~wavelength.core.exceptions.DomainError` goes back onto the form field it names,
with status 422 and nothing written; ``PermissionDenied`` from a role check or a service
becomes Django's 403.
"""

from .features import feature_create, feature_detail, feature_edit, feature_list
from .products import (
    feature_move,
    product_create,
    product_detail,
    product_edit,
    product_list,
)
from .releases import (
    changelog,
    changelog_create,
    changelog_edit,
    release_create,
    release_detail,
    release_edit,
    release_gate,
    release_list,
    release_ship,
)

__all__ = [
    "changelog",
    "changelog_create",
    "changelog_edit",
    "feature_create",
    "feature_detail",
    "feature_edit",
    "feature_list",
    "feature_move",
    "product_create",
    "product_detail",
    "product_edit",
    "product_list",
    "release_create",
    "release_detail",
    "release_edit",
    "release_gate",
    "release_list",
    "release_ship",
]
