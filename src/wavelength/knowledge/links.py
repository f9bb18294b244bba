"""What ``[[links]]`` point at: pages, features, releases and products, one query per kind.

``[[Page title]]`` (or ``[[page:12]]``), ``[[feature:Title]]`` / ``[[feature:12]]``,
``[[release:Orbit 2.4]]`` (product name, a space, the version) / ``[[release:12]]``,
``[[product:Orbit]]`` (name or slug) / ``[[product:12]]``. ``[[target|label]]`` shows a label.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse

from wavelength.catalog.models import Feature, Product, Release
from wavelength.core.markdown import Resolved, WikiLink, render, wiki_links

from .models import Page

MAX_LINKS = 200


@dataclass(frozen=True)
class Target:
    kind: str
    pk: int | None
    url: str
    title: str


def _by_id_or(links, field_q):
    ids = [int(link.key) for link in links if link.key.isdigit() and len(link.key) < 12]
    names = [link for link in links if not link.key.isdigit()]
    parts = [Q(pk__in=ids)] if ids else []
    parts += [field_q(link.key) for link in names]
    return reduce(or_, parts) if parts else None


def _match(link: WikiLink, obj, names) -> bool:
    if link.key.isdigit() and obj.pk == int(link.key):
        return True
    return any(n.casefold() == link.key.casefold() for n in names)


def resolve(links: list[WikiLink], *, pages=None) -> dict[tuple[str, str], Target]:
    """The object each link names (first match), keyed by ``link.ref``.

    ``pages`` is the queryset page links may resolve to (the reader's visible pages when
    rendering; every page when storing links).
    """
    links = links[:MAX_LINKS]
    found: dict[tuple[str, str], Target] = {}
    by_kind: dict[str, list[WikiLink]] = {}
    for link in links:
        by_kind.setdefault(link.kind, []).append(link)
    sources = {
        "page": (
            Page.objects.all() if pages is None else pages,
            lambda k: Q(title__iexact=k),
            lambda o: [o.title],
        ),
        "feature": (Feature.objects.all(), lambda k: Q(title__iexact=k), lambda o: [o.title]),
        "product": (
            Product.objects.all(),
            lambda k: Q(name__iexact=k) | Q(slug__iexact=k),
            lambda o: [o.name, o.slug],
        ),
        "release": (
            Release.objects.select_related("product"),
            _release_q,
            lambda o: [f"{o.product.name} {o.version}", f"{o.product.slug} {o.version}"],
        ),
    }
    for kind, kind_links in by_kind.items():
        queryset, field_q, names = sources[kind]
        condition = _by_id_or(kind_links, field_q)
        if condition is None:
            continue
        rows = list(queryset.filter(condition).order_by("pk")[: len(kind_links) * 3])
        for link in kind_links:
            obj = next((o for o in rows if _match(link, o, names(o))), None)
            if obj is not None:
                found[link.ref] = Target(kind, obj.pk, obj.get_absolute_url(), str(obj))
    return found


def _release_q(key: str) -> Q:
    product, _sep, version = key.rpartition(" ")
    if not product:
        return Q(version__iexact=key)
    return (Q(product__name__iexact=product) | Q(product__slug__iexact=product)) & Q(
        version__iexact=version
    )


def create_url(title: str, space_slug: str | None) -> str:
    query = {"title": title[:200]}
    if space_slug:
        query["space"] = space_slug
    return f"{reverse('knowledge:page-create')}?{urlencode(query)}"


def render_page_body(text: str, *, pages, space_slug: str | None = None):
    """The page's HTML with its links pointing at what they name for this reader; a page that
    does not exist (or that the reader cannot see) becomes a "create this page" link."""
    targets = resolve(wiki_links(text), pages=pages)

    def resolver(link: WikiLink) -> Resolved | None:
        target = targets.get(link.ref)
        if target is not None:
            return Resolved(target.url)
        if link.kind == "page" and not link.key.isdigit():
            return Resolved(create_url(link.key, space_slug), exists=False)
        return None

    return render(text, resolve=resolver)
