"""Adopting a discovered theme: name it and file its items under it, in one transaction."""

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_editor
from wavelength.core.exceptions import DomainError

from ..models import Theme
from .bulk import feedback_bulk_update
from .customers import theme_create


@transaction.atomic
def theme_adopt(*, actor, name: str, feedback_ids: Sequence[int]) -> tuple[Theme, int]:
    """File the items under the theme called ``name`` (created unless it exists); returns the
    theme and how many items were filed."""
    require_editor(actor)
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the theme a name."), field="name")
    theme = Theme.objects.filter(name__iexact=name).first()
    if theme is None:
        theme = theme_create(actor=actor, name=name)
    items = feedback_bulk_update(actor=actor, ids=list(feedback_ids), action="theme", value=theme)
    return theme, len(items)
