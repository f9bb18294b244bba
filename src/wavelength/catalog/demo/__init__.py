"""Build the demo company through the services, replaying a year of its history.

The builder first *plans*: it draws every date and lifecycle walk from ``random.Random(seed)``
and turns the content of :mod:`.content` into a list of dated events. It then *runs* the
events in time order, each inside :func:`wavelength.core.clock.travel`, so the activity log,
stage entries, release dates and search index are exactly what the services write when people
do the same things over twelve months. Running it again finds the demo user and adds nothing.
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from wavelength.accounts import services as accounts
from wavelength.accounts.models import Team, User
from wavelength.catalog import services as catalog
from wavelength.catalog.models import (
    TRANSITIONS,
    ChangelogEntry,
    Feature,
    Product,
    Release,
    ReleaseStatus,
    Stage,
    Visibility,
)
from wavelength.core import background, clock
from wavelength.core.models import Activity

from .content import (
    CANCELLATION_NOTE,
    CUSTOMERS,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    FEATURES,
    OPEN_QUESTIONS,
    PEOPLE,
    PLANNING_NOTE,
    PRODUCTS,
    RELEASES,
    TEAMS,
    FeatureSpec,
    ReleaseSpec,
)

__all__ = ["DEMO_EMAIL", "DEMO_PASSWORD", "build_demo"]

# How far back a walked feature starts and where its latest move lands, in days ago, by the
# stage it ends in. Features tied to a release follow the release's dates instead.
START_DAYS = {
    Stage.IDEA: (8, 150),
    Stage.DISCOVERY: (40, 260),
    Stage.PLANNED: (60, 300),
    Stage.IN_DEVELOPMENT: (90, 330),
    Stage.BETA: (120, 340),
    Stage.GENERALLY_AVAILABLE: (200, 350),
    Stage.RETIRED: (150, 300),
}
END_DAYS = {
    Stage.DISCOVERY: (8, 100),
    Stage.PLANNED: (8, 80),
    Stage.IN_DEVELOPMENT: (8, 60),
    Stage.BETA: (8, 45),
    Stage.GENERALLY_AVAILABLE: (10, 180),
    Stage.DEPRECATED: (20, 200),
    Stage.RETIRED: (10, 140),
}
IMPORTED_DAYS = (358, 362)  # the existing catalog brought in when Kestrel adopted Wavelength
RECENT_DAYS = (0.2, 5.0)  # "what changed this week"
# Who may take a feature over from its owner, by owning team (product hands over to Dana).
PLAYERS = {"engineering": ["aisha", "hannah", "diego"], "design": ["elena"], "product": ["dana"]}


@dataclass(order=True)
class _Event:
    when: dt.datetime
    seq: int
    run: Callable[[], object] = field(compare=False)


class _Builder:
    def __init__(self, *, seed: int, now: dt.datetime):
        self.rng = random.Random(seed)
        self.now = now
        self.events: list[_Event] = []
        self.users: dict[str, User] = {}
        self.teams: dict[str, Team] = {}
        self.products: dict[str, Product] = {}
        self.areas: dict[tuple[str, str], object] = {}
        self.features: dict[str, Feature] = {}
        self.releases: dict[str, Release] = {}
        self.release_done: dict[str, dt.datetime] = {}
        self.created: dict[str, dt.datetime] = {}  # feature key -> creation time

    # Time ---------------------------------------------------------------------------------

    def at(self, days_ago: float, *, hour: int | None = None) -> dt.datetime:
        """A moment ``days_ago`` in working hours.

        Only the story's end moves with the calendar: no rule here looks at the weekday or the
        time of day, so every event keeps its place relative to the others on any date."""
        when = self.now - dt.timedelta(days=days_ago)
        when = when.replace(
            hour=self.rng.randint(8, 17) if hour is None else hour,
            minute=self.rng.randint(0, 59),
            second=0,
            microsecond=0,
        )
        return min(when, self.now - dt.timedelta(minutes=5))

    def on(self, when: dt.datetime, run: Callable[[], object]) -> None:
        self.events.append(_Event(when, len(self.events), run))

    def days_ago(self, when: dt.datetime) -> float:
        return (self.now - when).total_seconds() / 86400

    # Planning -----------------------------------------------------------------------------

    def plan(self) -> None:
        self.plan_people()
        self.plan_products()
        self.plan_release_dates()
        for spec in FEATURES:
            self.plan_feature(spec)
        for spec in RELEASES:
            self.plan_release(spec)
        self.plan_edits()

    def plan_people(self) -> None:
        # Before the products (whose dates may shift back over a weekend).
        start = (self.now - dt.timedelta(days=368)).replace(hour=9, minute=0, second=0)
        self.on(start, self.make_teams)
        for person in PEOPLE:
            self.on(start, lambda p=person: self.make_person(p))

    def plan_products(self) -> None:
        for spec in PRODUCTS:
            self.on(self.at(364), lambda s=spec: self.make_product(s))

    def plan_release_dates(self) -> None:
        for spec in RELEASES:
            if spec.done is not None:
                self.release_done[spec.key] = self.at(spec.done, hour=self.rng.randint(13, 16))

    def plan_feature(self, spec: FeatureSpec) -> None:
        path = self.walk(spec)
        times = self.feature_times(spec, path)
        self.created[spec.key] = times[0]
        self.on(times[0], lambda: self.make_feature(spec, path[0]))
        for stage, when in zip(path[1:], times[1:], strict=True):
            actor = self.pm(spec) if stage not in (Stage.IN_DEVELOPMENT, Stage.BETA) else None
            self.on(when, lambda s=stage, a=actor: self.move(spec, s, a))

    def walk(self, spec: FeatureSpec) -> list[str]:
        """The feature's lifecycle walk: explicit in the content, or drawn along the arrows."""
        if spec.path:
            path = list(spec.path)
        elif spec.imported:
            path = [Stage.GENERALLY_AVAILABLE] + (
                [spec.stage] if spec.stage == Stage.DEPRECATED else []
            )
        else:
            path = self.draw_walk(spec.stage)
        for old, new in zip(path, path[1:], strict=False):
            if new not in TRANSITIONS[old]:
                raise ValueError(f"Demo feature {spec.key}: {old} cannot move to {new}.")
        if path[-1] != spec.stage:
            raise ValueError(f"Demo feature {spec.key} ends in {path[-1]}, not {spec.stage}.")
        return path

    def draw_walk(self, final: str) -> list[str]:
        optional = {Stage.DISCOVERY: 0.7, Stage.BETA: 0.6}
        path = [Stage.IDEA]
        for stage in (Stage.DISCOVERY, Stage.PLANNED, Stage.IN_DEVELOPMENT, Stage.BETA):
            if final == path[-1]:
                return path
            if stage == final or self.rng.random() < optional.get(stage, 1.0):
                path.append(stage)
        if final == Stage.GENERALLY_AVAILABLE:
            path.append(final)
        # Real work goes back and forth now and then: reshaping, or a beta that needed more work.
        if self.rng.random() < 0.2:
            path = _loop(path, Stage.DISCOVERY, Stage.PLANNED)
        if self.rng.random() < 0.3:
            path = _loop(path, Stage.BETA, Stage.IN_DEVELOPMENT)
        return path

    def feature_times(self, spec: FeatureSpec, path: list[str]) -> list[dt.datetime]:
        """One time per step of ``path``, oldest first, consistent with the release dates."""
        n = len(path)
        release = _release(spec.release)
        anchor = self.release_done.get(spec.release) if spec.release else None
        if spec.imported:
            start = self.rng.uniform(*IMPORTED_DAYS)
        elif release is not None:
            start = min(355, release.created + self.rng.uniform(10, 120))
        elif spec.recent and n == 1:
            start = self.rng.uniform(*RECENT_DAYS)
        else:
            low, high = START_DAYS[spec.stage]
            start = self.rng.uniform(low, high)
        if n == 1:
            return [self.at(start)]
        if anchor is not None:
            # Ships (or dies) with its release: hours before it ships, right after it is dropped.
            offset = dt.timedelta(hours=-2 if release.status == ReleaseStatus.RELEASED else 1)
            last = anchor + offset
            end = self.days_ago(last)
        else:
            low, high = RECENT_DAYS if spec.recent else END_DAYS[spec.stage]
            end = self.rng.uniform(low, high)
            if spec.imported and spec.stage == Stage.RETIRED:
                end = self.rng.uniform(20, 120)
            last = self.at(end)
        start = max(start, min(end + n + self.rng.uniform(5, 40), 360))
        # The steps in between are spread about evenly, with some jitter, a day apart at least.
        span = start - end
        middle = [
            min(max(start - span * (k + self.rng.uniform(-0.3, 0.3)) / (n - 1), end + 1), start - 1)
            for k in range(1, n - 1)
        ]
        times = sorted([self.at(start), *(self.at(d) for d in middle), last])
        return _strictly_increasing(times)

    def plan_release(self, spec: ReleaseSpec) -> None:
        pm = self.pm_of(spec.product)
        self.on(self.at(spec.created), lambda: self.make_release(spec, pm))
        if spec.started is not None:
            self.on(self.at(spec.started), lambda: self.set_status(spec, ReleaseStatus.IN_PROGRESS))
        done = self.release_done.get(spec.key)
        if spec.status == ReleaseStatus.RELEASED:
            self.on(self.at(spec.done + 1), lambda: self.support_notes(spec))
            self.on(done, lambda: self.ship(spec))
            self.on(done + dt.timedelta(hours=1), lambda: self.public_notes(spec))
        elif spec.status == ReleaseStatus.CANCELLED:
            self.on(done, lambda: self.set_status(spec, ReleaseStatus.CANCELLED))
            self.on(
                done + dt.timedelta(minutes=40), lambda: self.note(spec, "lucas", CANCELLATION_NOTE)
            )
        elif spec.status == ReleaseStatus.IN_PROGRESS:
            self.on(self.at(6), lambda: self.support_notes(spec))
            self.on(self.at(2), lambda: self.draft_notes(spec))
        else:
            self.on(self.at(spec.created - 2), lambda: self.note(spec, pm, PLANNING_NOTE))

    def plan_edits(self) -> None:
        """Edits between stage moves (owners change, evidence arrives), some of them this week."""
        walked = [s for s in FEATURES if not s.imported and s.stage != Stage.RETIRED]
        for i, spec in enumerate(self.rng.sample(walked, 18)):
            since = self.days_ago(self.created[spec.key])
            if since < 2:
                continue
            low, high = RECENT_DAYS if i < 5 else (1, since)
            days = self.rng.uniform(low, min(high, since - 0.5))
            kind = ("evidence", "owner", "tags")[i % 3]
            self.on(self.at(days), lambda s=spec, k=kind: self.edit(s, k))

    # Doing --------------------------------------------------------------------------------

    def run(self) -> None:
        for event in sorted(self.events):
            with clock.travel(event.when):
                event.run()

    def make_teams(self) -> None:
        existing = {t.slug: t for t in Team.objects.all()}
        for slug, (name, _description) in TEAMS.items():
            self.teams[slug] = existing.get(slug) or accounts.team_create(actor=None, name=name)

    def make_person(self, person) -> None:
        user = accounts.user_create(
            actor=None,
            email=person.email,
            password=DEMO_PASSWORD if person.email == DEMO_EMAIL else None,
            name=person.name,
            role=person.role,
        )
        self.users[person.key] = user
        for slug in person.teams:
            accounts.membership_add(actor=None, team=self.teams[slug], user=user)
        if person.email == DEMO_EMAIL:
            for slug, (_name, description) in TEAMS.items():
                team = self.teams[slug]
                if not team.description:
                    accounts.team_update(
                        actor=user, team=team, name=team.name, description=description
                    )

    def make_product(self, spec) -> None:
        actor = self.users["maya"]
        product = catalog.product_create(actor=actor, name=spec.name, description=spec.description)
        self.products[spec.key] = product
        for name in spec.areas:
            self.areas[spec.key, name] = catalog.area_create(
                actor=actor, product=product, name=name
            )

    def make_feature(self, spec: FeatureSpec, stage: str) -> None:
        self.features[spec.key] = catalog.feature_create(
            actor=self.users[self.pm(spec)],
            product=self.products[spec.product],
            title=spec.title,
            description=self.description(spec),
            stage=stage,
            area=self.areas[spec.product, spec.area],
            owner_team=self.teams[spec.team],
            owner=self.users[spec.owner],
            tags=spec.tags,
        )

    def move(self, spec: FeatureSpec, stage: str, actor_key: str | None) -> None:
        owner = self.users[spec.owner]
        actor = (
            self.users[actor_key]
            if actor_key
            else (owner if owner.can_edit else self.users["sven"])
        )
        self.features[spec.key] = catalog.feature_move_stage(
            actor=actor, feature=self.features[spec.key], stage=stage
        )

    def edit(self, spec: FeatureSpec, kind: str) -> None:
        feature = Feature.objects.get(pk=self.features[spec.key].pk)
        actor = self.users[self.pm(spec)]
        if kind == "evidence":
            description = feature.description + "\n\n" + self.evidence()
            catalog.feature_update(actor=actor, feature=feature, description=description)
        elif kind == "owner":
            players = [k for k in PLAYERS.get(spec.team, []) if k != spec.owner]
            owner = self.users[self.rng.choice(players)] if players else self.users[self.pm(spec)]
            catalog.feature_update(actor=actor, feature=feature, owner=owner)
        else:
            tags = {*feature.tags.values_list("name", flat=True), "customer-request"}
            if spec.stage in (Stage.IDEA, Stage.DISCOVERY, Stage.PLANNED):
                tags.add("roadmap-review")
            catalog.feature_update(actor=actor, feature=feature, tags=sorted(tags))

    def make_release(self, spec: ReleaseSpec, pm: str) -> None:
        shipping = [self.features[f.key] for f in FEATURES if f.release == spec.key]
        highlights = "\n".join(f"- {f.title}" for f in shipping)
        self.releases[spec.key] = catalog.release_create(
            actor=self.users[pm],
            product=self.products[spec.product],
            version=spec.version,
            name=spec.name,
            description=f"{spec.description}\n\n### Highlights\n\n{highlights}",
            target_date=(self.now - dt.timedelta(days=spec.target)).date(),
            features=shipping,
        )

    def set_status(self, spec: ReleaseSpec, status: str) -> None:
        self.releases[spec.key] = catalog.release_update(
            actor=self.users[self.pm_of(spec.product)],
            release=self.releases[spec.key],
            status=status,
        )

    def ship(self, spec: ReleaseSpec) -> None:
        self.releases[spec.key] = catalog.release_ship(
            actor=self.users["maya"], release=self.releases[spec.key]
        )

    def note(self, spec: ReleaseSpec, author: str, body: str, title: str = "") -> None:
        catalog.changelog_entry_create(
            actor=self.users[author],
            release=self.releases[spec.key],
            title=title or body.splitlines()[0].lstrip("# "),
            body=body,
            visibility=Visibility.INTERNAL,
        )

    def support_notes(self, spec: ReleaseSpec) -> None:
        shipping = [f for f in FEATURES if f.release == spec.key]
        notes = "\n".join(f"- **{f.title}**: {f.scope[0]}." for f in shipping)
        body = (
            "### Rollout\n\n| Step | When | Owner |\n|---|---|---|\n"
            "| Internal dogfood | two weeks before | QA |\n"
            "| 10% of workspaces | one week before | Engineering |\n"
            "| Everyone | release day | Product |\n\n"
            f"### What support should know\n\n{notes}\n\n"
            "Escalate anything unexpected in #release-" + spec.key + "."
        )
        self.note(spec, "fatima", body, title=f"Support notes for {spec.version}")

    def draft_notes(self, spec: ReleaseSpec) -> None:
        shipping = [f for f in FEATURES if f.release == spec.key]
        body = "Draft for review with marketing; not public yet.\n\n" + "\n".join(
            f"- {f.title}: {f.summary}" for f in shipping
        )
        self.note(spec, "olivia", body, title=f"Release notes draft for {spec.version}")

    def public_notes(self, spec: ReleaseSpec) -> None:
        for f in FEATURES:
            if f.release != spec.key:
                continue
            label = "Beta" if f.stage == Stage.BETA else "New"
            catalog.changelog_entry_create(
                actor=self.users["olivia"],
                release=self.releases[spec.key],
                title=f"{label}: {f.title}",
                body=f.summary + "\n\n" + "\n".join(f"- {item}" for item in f.scope),
                visibility=Visibility.PUBLIC,
            )

    # Text ---------------------------------------------------------------------------------

    def description(self, spec: FeatureSpec) -> str:
        parts = [spec.summary, "### Scope\n\n" + "\n".join(f"- {item}" for item in spec.scope)]
        if spec.stage in (Stage.IDEA, Stage.DISCOVERY):
            questions = self.rng.sample(OPEN_QUESTIONS, 2)
            parts.append("### Open questions\n\n" + "\n".join(f"1. {q}" for q in questions))
        if self.rng.random() < 0.3:
            parts.append(self.evidence())
        return "\n\n".join(parts)

    def evidence(self) -> str:
        rows = [
            f"| {name} | {segment} | ${self.rng.randrange(12, 480) * 1000:,} "
            f"| {self.rng.randint(1, 9)} |"
            for name, segment in self.rng.sample(CUSTOMERS, self.rng.randint(2, 4))
        ]
        header = (
            "### Customer evidence\n\n| Account | Segment | ARR | Requests |\n|---|---|--:|--:|"
        )
        return header + "\n" + "\n".join(rows)

    def pm(self, spec: FeatureSpec) -> str:
        return self.pm_of(spec.product)

    @staticmethod
    def pm_of(product_key: str) -> str:
        return next(p.pm for p in PRODUCTS if p.key == product_key)


def _release(key: str | None) -> ReleaseSpec | None:
    return next((r for r in RELEASES if r.key == key), None)


def _loop(path: list[str], first: str, second: str) -> list[str]:
    """Insert one step back and forth (``first → second → first``) if the walk has ``first``."""
    if first not in path or path.index(first) == len(path) - 1:
        return path
    i = path.index(first)
    if path[i + 1] == second:  # the walk already goes first → second: go back once more
        return path[: i + 2] + [first, second] + path[i + 2 :]
    return path[: i + 1] + [second, first] + path[i + 1 :]


def _strictly_increasing(times: list[dt.datetime]) -> list[dt.datetime]:
    out: list[dt.datetime] = []
    for when in times:
        out.append(max(when, out[-1] + dt.timedelta(minutes=7)) if out else when)
    return out


def story_end(now: dt.datetime) -> dt.datetime:
    """The moment the demo's story ends: the last 18:00 UTC before ``now``.

    The year of history is replayed backwards from this moment, so the story is the same
    whatever the date and the time of day the demo is loaded at (the end of a working day,
    at most a day ago: this week's changes are still this week's)."""
    end = now.astimezone(dt.UTC).replace(hour=18, minute=0, second=0, microsecond=0)
    return end if end <= now else end - dt.timedelta(days=1)


def summary(*, created: bool) -> dict:
    first = Activity.objects.order_by("created_at").values_list("created_at", flat=True).first()
    return {
        "created": created,
        "email": DEMO_EMAIL,
        "password": DEMO_PASSWORD,
        "people": User.objects.count(),
        "products": Product.objects.count(),
        "features": Feature.objects.count(),
        "releases": Release.objects.count(),
        "changelog_entries": ChangelogEntry.objects.count(),
        "activities": Activity.objects.count(),
        "history_since": first,
    }


# The apps above the catalog add their part of the demo (customers and feedback, pages,
# playbooks, test management) after it, in ``order``: the catalog imports none of them.
_demos: dict[int, Callable[..., object]] = {}
_labels: dict[int, str] = {}


def register_demo(order: int, build: Callable[..., object], *, label: str = "") -> None:
    """Run ``build(seed=, now=)`` once the catalog's demo is built; registered from an app's
    ``AppConfig.ready()``. ``label`` says what it loads, in the ``demo`` command's progress.
    Each app takes its own ``order``: two apps on one would silently drop a demo."""
    if _demos.get(order, build) is not build:
        raise ValueError(f"Demo order {order} is taken by {_demos[order].__module__}.")
    _demos[order] = build
    _labels[order] = label or build.__module__.split(".")[1]


def build_demo(
    *, seed: int = 7, now: dt.datetime | None = None, progress: Callable[[str], None] | None = None
) -> dict:
    """Create the demo company unless its demo user exists; returns what the database holds.
    ``progress`` hears a line as each part starts (the ``demo`` command prints them)."""
    if User.objects.filter(email=DEMO_EMAIL).exists():
        return summary(created=False)
    say = progress or (lambda line: None)
    builder = _Builder(seed=seed, now=story_end(now or clock.now()))
    builder.plan()
    # The jobs its writes queue (fan-outs, digests) run as each part commits: in the
    # background thread they would wait on the next part's long transaction.
    with background.at_once():
        say("  · people, teams, products, features, releases and a year of their history")
        with transaction.atomic():
            builder.run()
        for order, build in sorted(_demos.items()):
            say(f"  · {_labels[order]}")
            build(seed=seed, now=builder.now)
    return summary(created=True)
