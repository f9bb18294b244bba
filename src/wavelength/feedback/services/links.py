"""Writes of links between feedback (or a quote of it) and features."""

from django.db import transaction
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_editor
from wavelength.catalog.models import Feature
from wavelength.core import activity, clock
from wavelength.core.exceptions import DomainError

from ..models import (
    Feedback,
    FeedbackLink,
    Importance,
    Status,
)
from . import demand
from .checks import _choice, _text
from .items import feedback_update

# Links to features ------------------------------------------------------------------------


def _quote(
    text: str, quote: str, start: int | None, end: int | None
) -> tuple[str, int | None, int | None]:
    """The quote with offsets that point at it in ``text``; the browser's offsets are trusted
    only when they match, otherwise the first occurrence is used."""
    quote = _text(quote, "quote", 1000)
    if not quote:
        return "", None, None
    if start is not None and end is not None and text[start:end] == quote:
        return quote, start, end
    found = text.find(quote)
    if found < 0:
        raise DomainError(_("The quote must be a passage of the feedback's text."), field="quote")
    return quote, found, found + len(quote)


@transaction.atomic
def feedback_link(
    *,
    actor,
    feedback: Feedback,
    feature: Feature,
    importance: str = Importance.IMPORTANT,
    quote: str = "",
    quote_start: int | None = None,
    quote_end: int | None = None,
) -> FeedbackLink:
    """Link an item (or one quote of it) to a feature; the item becomes ``linked``."""
    require_editor(actor)
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    importance = _choice(importance, Importance, "importance", blank=False)
    quote, start, end = _quote(feedback.text, quote, quote_start, quote_end)
    if FeedbackLink.objects.filter(feedback=feedback, feature=feature, quote=quote).exists():
        raise DomainError(
            _("This feedback is already linked to this feature with this quote."), field="feature"
        )
    link = FeedbackLink.objects.create(
        feedback=feedback,
        feature=feature,
        importance=importance,
        quote=quote,
        quote_start=start,
        quote_end=end,
        created_by=actor,
        created_at=clock.now(),
    )
    activity.record(
        actor=actor,
        verb="linked",
        target=feedback,
        scope=f"catalog.product:{feature.product_id}",
        feature=feature.pk,
        feature_title=feature.title,
        importance=importance,
        quote=quote or None,
    )
    if feedback.status != Status.LINKED:
        feedback_update(actor=actor, feedback=feedback, status=Status.LINKED)
    return link


@transaction.atomic
def feedback_bulk_link(
    *, actor, items: list[Feedback], feature: Feature, importance: str
) -> list[Feedback]:
    """Link every item to ``feature`` with ``importance`` (the inbox's bulk bar, through
    ``feedback_bulk_update``): each link is recorded in the history and the items become
    ``linked``. Items already linked to the feature keep their links and are left as they are."""
    require_editor(actor)
    if not isinstance(feature, Feature):
        raise DomainError(_("Choose a feature."), field="value")
    importance = _choice(importance or Importance.IMPORTANT, Importance, "importance", blank=False)
    already = set(
        FeedbackLink.objects.filter(feature=feature, feedback__in=items).values_list(
            "feedback_id", flat=True
        )
    )
    with demand.deferred():  # the feature's figures once, not once per item
        for item in items:
            if item.pk not in already:
                feedback_link(actor=actor, feedback=item, feature=feature, importance=importance)
    return list(Feedback.objects.filter(pk__in=[i.pk for i in items]).order_by("pk"))


@transaction.atomic
def feedback_unlink(*, actor, link: FeedbackLink) -> None:
    """Remove one link; an item left with no link goes back to ``triaged``."""
    require_editor(actor)
    link = FeedbackLink.objects.select_related("feedback", "feature").get(pk=link.pk)
    feedback, feature = link.feedback, link.feature
    activity.record(
        actor=actor,
        verb="unlinked",
        target=feedback,
        scope=f"catalog.product:{feature.product_id}",
        feature=feature.pk,
        feature_title=feature.title,
        quote=link.quote or None,
    )
    link.delete()
    if feedback.status == Status.LINKED and not feedback.links.exists():
        feedback_update(actor=actor, feedback=feedback, status=Status.TRIAGED)
