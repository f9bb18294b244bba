"""The knowledge base of a bench data set: spaces, pages with versions and links.

Added once to an existing bench database (its own check: the page count), with bulk inserts:
at M 20,000 pages and 200,000 versions, at S a twentieth of that.
"""

import random
import time
from datetime import UTC, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from wavelength.accounts.models import Membership, Role, Team, User
from wavelength.catalog.models import Feature
from wavelength.knowledge.models import Page, PageLink, PageVersion, Space

from .data import WORDS
from .database import fast_writes

PAGES = {"S": 1_000, "M": 20_000}
VERSIONS_PER_PAGE = 10
READER_EMAIL = "bench-reader@bench.example"
SPACES = 10
TEAM_SPACES = 3
BATCH = 2_000
VERSION = "knowledge bench data v2"
# Page text draws on a larger vocabulary than the catalog's: compound words, a few common and
# most rare (Zipf-like), so a search matches a realistic share of the pages.
VOCABULARY = [a + b for a in WORDS for b in WORDS if a != b]
WEIGHTS = [1 / (rank + 1) for rank in range(len(VOCABULARY))]


def ensure(scale_name: str, seed: int = 43) -> float:
    """Fill the knowledge tables unless they hold the scale's pages; returns seconds spent."""
    pages = PAGES[scale_name]
    current = Space.objects.filter(slug="bench-space-0", description=VERSION).exists()
    if current and Page.objects.count() == pages:
        return 0.0
    started = time.perf_counter()
    rng = random.Random(seed)
    fast_writes()
    with transaction.atomic():
        PageLink.objects.all().delete()
        PageVersion.objects.all().delete()
        Page.objects.filter(parent__isnull=False).update(parent=None)
        Page.objects.all().delete()
        Space.objects.exclude(slug__in=["policies", "procedures", "product", "onboarding"]).delete()
        _make(rng, pages)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def _text(rng: random.Random, words: int) -> str:
    lines, line = [], []
    for word in rng.choices(VOCABULARY, weights=WEIGHTS, k=words):
        line.append(word)
        if len(line) > 11:
            lines.append(" ".join(line))
            line = []
    lines.append(" ".join(line))
    return "## Overview\n\n" + "\n".join(lines) + "\n"


def _make(rng: random.Random, total: int) -> None:
    now = datetime.now(UTC)
    teams = list(Team.objects.order_by("pk")[:TEAM_SPACES])
    reader, _created = User.objects.get_or_create(
        email=READER_EMAIL,
        defaults={"name": "Bench Reader", "role": Role.EDITOR, "password": make_password(None)},
    )
    if teams:
        Membership.objects.get_or_create(team=teams[0], user=reader)
    people = list(User.objects.values_list("pk", flat=True)[:200])
    spaces = list(Space.objects.all())
    for i in range(SPACES - len(spaces)):
        restricted = i < TEAM_SPACES and i < len(teams)
        space = Space.objects.create(
            name=f"Bench space {i}",
            slug=f"bench-space-{i}",
            description=VERSION,
            visibility="teams" if restricted else "everyone",
            position=10 + i,
        )
        if restricted:
            space.teams.set([teams[i]])
        spaces.append(space)
    features = list(Feature.objects.values_list("pk", "title")[:5_000])
    rows = []
    for n in range(total):
        when = now - timedelta(days=rng.uniform(1, 700))
        rows.append(
            Page(
                space=rng.choice(spaces),
                title=f"{' '.join(rng.sample(WORDS, 3)).capitalize()} {n}",
                slug=f"page-{n}",
                body=_text(rng, rng.randint(60, 160)),
                version=VERSIONS_PER_PAGE,
                owner_id=rng.choice(people),
                status=rng.choice(["draft", "in_review", "published", "published"]),
                review_due_on=(when + timedelta(days=180)).date(),
                created_at=when,
                updated_at=when,
            )
        )
    Page.objects.bulk_create(rows, batch_size=BATCH)
    pages = list(Page.objects.values_list("pk", "title", "body", "owner_id"))
    _versions(rng, pages, now)
    _links(rng, pages, features)


def _versions(rng, pages, now) -> None:
    batch = []
    for pk, title, body, owner in pages:
        for number in range(1, VERSIONS_PER_PAGE + 1):
            text = (
                body if number == VERSIONS_PER_PAGE else body[: max(40, len(body) * number // 10)]
            )
            batch.append(
                PageVersion(
                    page_id=pk,
                    number=number,
                    title=title,
                    body=text,
                    author_id=owner,
                    created_at=now - timedelta(days=VERSIONS_PER_PAGE - number),
                )
            )
        if len(batch) >= BATCH * 5:
            PageVersion.objects.bulk_create(batch, batch_size=BATCH)
            batch = []
    PageVersion.objects.bulk_create(batch, batch_size=BATCH)


def _links(rng, pages, features) -> None:
    """Up to three links a page; a few popular pages collect hundreds of backlinks."""
    popular = [p[0] for p in pages[:20]]
    titles = {p[0]: p[1] for p in pages}
    links = []
    for pk, *_rest in pages:
        targets = set()
        for _ in range(rng.randint(0, 3)):
            target = rng.choice(popular) if rng.random() < 0.5 else rng.choice(pages)[0]
            if target != pk:
                targets.add(target)
        links += [
            PageLink(page_id=pk, kind="page", target_id=t, key=titles[t].casefold())
            for t in targets
        ]
        if features and rng.random() < 0.3:
            fpk, ftitle = rng.choice(features)
            links.append(PageLink(page_id=pk, kind="feature", target_id=fpk, key=ftitle.casefold()))
    PageLink.objects.bulk_create(links, batch_size=BATCH, ignore_conflicts=True)
