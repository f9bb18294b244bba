"""Reads of the public portal. Everything here shows only what is opened to the portal."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from wavelength.catalog.models import Product, ReleaseStatus, Stage
from wavelength.catalog.selectors import changelog_list

from .models import PortalIdea, PortalSubscription, PortalVote

SORTS = {"votes": ["-vote_count", "-created_at", "-id"], "newest": ["-created_at", "-id"]}
# The public roadmap's columns, from the lifecycle stages (released and retired ones are off it).
ROADMAP = [
    ("now", (Stage.IN_DEVELOPMENT, Stage.BETA)),
    ("next", (Stage.PLANNED,)),
    ("later", (Stage.DISCOVERY, Stage.IDEA)),
]


def roadmap_column(stage: str) -> str | None:
    """The roadmap column ("now", "next", "later") of a lifecycle stage; None off the map."""
    return next((key for key, stages in ROADMAP if stage in stages), None)


def roadmap_column_label(key: str) -> str:
    labels = {"now": _("Now"), "next": pgettext("roadmap", "Next"), "later": _("Later")}
    return str(labels.get(key, ""))


def idea_list(*, q: str = "", sort: str = "votes", product: str = "") -> QuerySet[PortalIdea]:
    """Ideas on the portal, searched by words of their public title and description."""
    ideas = PortalIdea.objects.listed().select_related("feature__product")
    for word in q.split()[:8]:
        ideas = ideas.filter(Q(title__icontains=word) | Q(description__icontains=word))
    if product:
        ideas = ideas.filter(feature__product__slug=product)
    return ideas.order_by(*SORTS.get(sort, SORTS["votes"]))


def idea_get(pk: int) -> PortalIdea:
    """One idea on the portal; anything else (unopened, hidden) is a 404."""
    idea = PortalIdea.objects.listed().select_related("feature__product").filter(pk=pk).first()
    if idea is None:
        raise Http404
    return idea


def portal_products() -> QuerySet[Product]:
    """Products with at least one idea on the portal (the list's filter)."""
    return Product.objects.filter(features__portal_idea__is_listed=True).distinct().order_by("name")


def voted_idea_ids(*, email: str) -> set[int]:
    if not email:
        return set()
    return set(
        PortalVote.objects.filter(contact__email=email, verified_at__isnull=False).values_list(
            "idea_id", flat=True
        )
    )


def is_subscribed(*, idea: PortalIdea, email: str) -> bool:
    return (
        bool(email) and PortalSubscription.objects.filter(idea=idea, contact__email=email).exists()
    )


def roadmap() -> list[tuple[str, list[PortalIdea]]]:
    """The now / next / later columns: ideas on the portal by their feature's stage."""
    ideas = list(
        PortalIdea.objects.listed()
        .select_related("feature__product")
        .filter(feature__stage__in=[s for _k, stages in ROADMAP for s in stages])
        .order_by("-vote_count", "title")
    )
    return [(key, [i for i in ideas if i.feature.stage in stages]) for key, stages in ROADMAP]


def public_changelog():
    """Public entries of released releases, newest first."""
    return changelog_list(user=None, public_only=True).filter(
        release__status=ReleaseStatus.RELEASED
    )


def portal_section(*, user, feature) -> list[dict]:
    """The feature page's "Portal" section: one summary, whether or not it is opened."""
    idea = (
        PortalIdea.objects.filter(feature=feature)
        .annotate(
            pending=Count("votes", filter=Q(votes__verified_at__isnull=True), distinct=True),
            subscribers=Count("subscriptions", distinct=True),
        )
        .first()
    )
    votes = []
    if idea is not None:
        votes = list(
            idea.votes.filter(verified_at__isnull=False)
            .select_related("contact__company", "proxy_by")
            .order_by("-verified_at")[:10]
        )
    return [{"idea": idea, "recent_votes": votes}]
