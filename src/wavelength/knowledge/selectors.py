"""Reading the knowledge base, always through what the reader may see."""

from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.http import Http404

from .access import require_read
from .models import (
    Approval,
    Page,
    PageRead,
    PageTemplate,
    PageVersion,
    Space,
)


def space_list(*, user):
    """The spaces ``user`` may read, with how many pages each holds."""
    return (
        Space.objects.visible_to(user)
        .prefetch_related("teams", "owners")
        .annotate(page_count=Count("pages"))
        .order_by("position", "name")
    )


def space_get(*, user, slug: str) -> Space:
    space = Space.objects.prefetch_related("teams", "owners", "approvers").filter(slug=slug).first()
    if space is None:
        raise Http404
    require_read(user, space)
    return space


def page_list(*, user, space: Space | None = None, status: str = "", owner=None):
    pages = Page.objects.visible_to(user).with_relations()
    if space is not None:
        pages = pages.filter(space=space)
    if status:
        pages = pages.filter(status=status)
    if owner is not None:
        pages = pages.filter(owner=owner)
    return pages.order_by("space__position", "title", "pk")


def page_get(*, user, pk: int) -> Page:
    """One page the reader may see (404 otherwise), with what its page shows."""
    page = (
        Page.objects.with_relations()
        .select_related("verified_by")
        .prefetch_related("space__teams", "space__owners", "space__approvers", "approvers")
        .filter(pk=pk)
        .first()
    )
    if page is None:
        raise Http404
    require_read(user, page.space)
    return page


# A level of the tree shows at most this many pages; the space page lists them all.
TREE_LIMIT = 50


@dataclass
class TreeNode:
    page: Page
    children: list["TreeNode"]
    current: bool = False
    open: bool = False
    has_children: bool = False
    # More pages sit under this node than the tree shows.
    more: bool = False


@dataclass
class Tree:
    """The open part of a space's tree: the top level and the branch holding the current
    page, each level capped at ``TREE_LIMIT``; collapsed pages only say they have children."""

    roots: list[TreeNode]
    more: bool = False

    def __iter__(self):
        return iter(self.roots)

    def __len__(self) -> int:
        return len(self.roots)


def page_tree(*, user, space: Space, current: Page | None = None) -> Tree:
    """The space's tree in two queries (one without a current page), however many pages it
    holds (see :class:`Tree`)."""
    require_read(user, space)
    chain = [p.pk for p in breadcrumbs(current)] + [current.pk] if current is not None else []
    fields = ("pk", "title", "parent_id", "position", "status", "space_id")
    has_children = Exists(Page.objects.filter(parent=OuterRef("pk")))
    rank = Window(
        RowNumber(), partition_by=[F("parent_id")], order_by=[F("position").asc(), F("title")]
    )
    rows = list(
        Page.objects.filter(space=space)
        .filter(Q(parent__isnull=True) | Q(parent_id__in=chain))
        .only(*fields)
        .annotate(kids=has_children, rank=rank)
        .filter(rank__lte=TREE_LIMIT + 1)
        .order_by("position", "title")
    )
    if chain:  # the open branch, even where it lies beyond a level's cap (always one query)
        known = {p.pk for p in rows}
        extra = Page.objects.filter(pk__in=chain).only(*fields).annotate(kids=has_children)
        rows += [setattr(p, "rank", 0) or p for p in extra if p.pk not in known]
    return _build_tree(rows, current)


def _build_tree(rows: list[Page], current: Page | None) -> Tree:
    nodes = {p.pk: TreeNode(page=p, children=[], has_children=p.kids) for p in rows}
    tree = Tree(roots=[])
    for page in rows:
        parent = nodes.get(page.parent_id)
        if page.rank > TREE_LIMIT:  # the probe row: its level has more
            if parent is not None:
                parent.more = True
            else:
                tree.more = True
            continue
        (parent.children if parent else tree.roots).append(nodes[page.pk])
    if current is not None and current.pk in nodes:
        nodes[current.pk].current = True
        node, hops = nodes[current.pk], 0
        while node is not None and hops < 100:
            node.open = True
            node = nodes.get(node.page.parent_id)
            hops += 1
    return tree


def breadcrumbs(page: Page) -> list[Page]:
    """The page's ancestors, root first (one query per level, a handful at most)."""
    chain, node, hops = [], page.parent, 0
    while node is not None and hops < 20:
        chain.append(node)
        node, hops = node.parent, hops + 1
    return list(reversed(chain))


def backlinks(*, user, page: Page):
    """Pages the reader may see that link to ``page`` (one query)."""
    return (
        Page.objects.visible_to(user)
        .filter(links__kind="page", links__target_id=page.pk)
        .select_related("space")
        .distinct()
        .order_by("title")[:100]
    )


def pages_about(*, user, kind: str, pk: int):
    """Pages the reader may see that mention a product, feature or release (one query)."""
    return (
        Page.objects.visible_to(user)
        .filter(links__kind=kind, links__target_id=pk)
        .select_related("space", "owner")
        .distinct()
        .order_by("title")[:100]
    )


def pages_about_feature(*, user, feature):
    return list(pages_about(user=user, kind="feature", pk=feature.pk))


def pages_about_release(*, user, release):
    return list(pages_about(user=user, kind="release", pk=release.pk))


def pages_about_product(*, user, product):
    return list(pages_about(user=user, kind="product", pk=product.pk))


def version_list(*, user, page: Page):
    require_read(user, page.space)
    return PageVersion.objects.filter(page=page).select_related("author").defer("body")


def version_get(*, user, page: Page, number: int) -> PageVersion:
    require_read(user, page.space)
    version = PageVersion.objects.filter(page=page, number=number).select_related("author").first()
    if version is None:
        raise Http404
    return version


def review_list(*, user, owner=None):
    """Stale pages (review date passed, or outdated by a product change) of ``owner``."""
    pages = Page.objects.visible_to(user).stale().with_relations()
    if owner is not None:
        pages = pages.filter(owner=owner)
    return pages.order_by("review_due_on", "title")


def approvals_of(*, page: Page):
    return Approval.objects.filter(page=page).select_related("approver").order_by("-version")


def readers(*, page: Page):
    """Who read which version, newest first."""
    return PageRead.objects.filter(page=page).select_related("user").order_by("-read_at")[:200]


def has_read(*, user, page: Page) -> bool:
    return PageRead.objects.filter(page=page, user=user, version=page.version).exists()


def template_list():
    return PageTemplate.objects.order_by("position", "name")


def status_counts(*, user, space: Space) -> dict[str, int]:
    rows = Page.objects.filter(space=space).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def pages_for_choices(*, user, limit: int = 500):
    return (
        Page.objects.visible_to(user)
        .select_related("space")
        .only("pk", "title", "space__name")
        .order_by("space__name", "title")[:limit]
    )
