"""The demo's meetings: a weekly product sync and a fortnightly release go/no-go, each with
past meetings (agenda, minutes, attendance, decisions, action items, some of them overdue) and
the next ones planned. Dates count back from the story's end, so the story is the same on any
date; everything goes through the services, each step at its own time (clock.travel)."""

import datetime as dt

from django.db import transaction

from wavelength.accounts.models import Team, User
from wavelength.catalog.models import Feature, Release, ReleaseStatus
from wavelength.core import clock
from wavelength.knowledge.models import Page, SpaceVisibility

from . import recurrence, services
from .models import MeetingSeries, Occurrence

SYNC_MINUTES = [
    "Reviewed the new feedback from our largest accounts.\n\n- Export is the top ask\n"
    "- Support sees fewer tickets about sign-in",
    "Walked through the features that moved stage; beta feedback is positive.",
    "Agreed the next quarter's themes. **Migration guide** still missing.",
    "Short sync: release dates confirmed, critical defects assigned.",
]


def _people():
    people = list(User.objects.filter(is_active=True).order_by("pk")[:6])
    return people


def _run(actor, occurrence: Occurrence, *, minutes: str, attended, decision=None, actions=()):
    with clock.travel(occurrence.starts_at - dt.timedelta(days=1)):
        services.agenda_generate(actor=actor, occurrence=occurrence)
    with clock.travel(occurrence.ends_at):
        services.occurrence_update(
            actor=actor, occurrence=occurrence, minutes=minutes, attended=attended
        )
        if decision:
            services.decision_create(actor=actor, occurrence=occurrence, data=decision)
        made = []
        for title, owner, due_in in actions:
            made.append(
                services.action_create(
                    actor=actor,
                    occurrence=occurrence,
                    title=title,
                    owner=owner,
                    due_on=occurrence.starts_at.date() + dt.timedelta(days=due_in),
                )
            )
        services.occurrence_close(actor=actor, occurrence=occurrence)
    return made


def _series(actor, *, name, purpose, rule, start, time, products, attendees, teams, now):
    with clock.travel(dt.datetime.combine(start, dt.time(0), tzinfo=dt.UTC)):
        return services.series_create(
            actor=actor,
            data=services.SeriesData(
                name=name,
                purpose=purpose,
                owner=actor,
                start_date=start,
                start_time=time,
                rrule=rule,
                time_zone="Europe/Paris",
                duration_minutes=45,
                attendees=attendees,
                teams=teams,
                products=products,
            ),
        )


def _past(actor, series: MeetingSeries, now: dt.datetime) -> list[Occurrence]:
    """Every meeting of the series from its first date until the story's end."""
    first = dt.datetime.combine(series.start_date, dt.time(0), tzinfo=dt.UTC)
    starts = recurrence.next_starts(series, after=first, count=20)
    for start in starts:
        if start + dt.timedelta(minutes=series.duration_minutes) < now:
            with clock.travel(start - dt.timedelta(days=7)):
                services.occurrence_create_at(actor=actor, series=series, starts_at=start)
    return list(series.occurrences.filter(ends_at__lt=now).order_by("starts_at"))


def build_meetings_demo(*, now: dt.datetime | None = None) -> dict:
    """Add the demo's meeting series unless some exist."""
    if MeetingSeries.objects.exists():
        return {"created": False}
    now = now or clock.now()
    actor = User.objects.filter(role="admin", is_active=True).order_by("pk").first()
    people = _people()
    upcoming = (
        Release.objects.filter(status__in=[ReleaseStatus.PLANNED, ReleaseStatus.IN_PROGRESS])
        .select_related("product")
        .order_by("target_date", "id")
        .first()
    )
    if actor is None or upcoming is None:
        return {"created": False}
    product = upcoming.product
    feature = (
        Feature.objects.filter(product=product, stage__in=["beta", "in_development"])
        .order_by("id")
        .first()
        or Feature.objects.filter(product=product).order_by("id").first()
    )
    today = now.date()
    teams = list(Team.objects.filter(slug__in=["product", "engineering"]))
    page = (
        Page.objects.filter(links__kind="product", links__target_id=product.pk)
        .filter(space__visibility=SpaceVisibility.EVERYONE)
        .order_by("pk")
        .first()
    )
    with transaction.atomic():
        sync = _series(
            actor,
            name="Weekly product sync",
            purpose="Product, engineering, support and sales look at what changed and decide.",
            rule=recurrence.weekly(weekday=(today - dt.timedelta(days=2)).weekday()),
            start=today - dt.timedelta(days=30),
            time=dt.time(10, 0),
            products=[product],
            attendees=people,
            teams=teams,
            now=now,
        )
        past = _past(actor, sync, now)
        owners = people[1:] or [actor]
        for index, occurrence in enumerate(past):
            decision = None
            if index == len(past) - 2 and feature is not None:
                decision = services.DecisionData(
                    title=f"{feature.title} goes to general availability with the next release",
                    rationale="Beta feedback is positive and no critical defect is open on it.",
                    decided_by=actor,
                    features=[feature],
                    pages=[page] if page else [],
                )
            actions = [
                ("Draft the migration guide", owners[index % len(owners)], 7),
                ("Call the three largest accounts about export", owners[-1], 4),
            ]
            made = _run(
                actor,
                occurrence,
                minutes=SYNC_MINUTES[index % len(SYNC_MINUTES)],
                attended=people[: 3 + index % 3],
                decision=decision,
                actions=actions[: 1 + index % 2],
            )
            if index < len(past) - 2:  # the older ones are done; the recent ones still open
                for action in made:
                    with clock.travel(occurrence.starts_at + dt.timedelta(days=5)):
                        services.action_update(actor=action.owner, action=action, status="done")

        gonogo = _series(
            actor,
            name="Release go/no-go",
            purpose="Decide whether the next release ships, from its gate and open defects.",
            rule=recurrence.weekly(weekday=(today - dt.timedelta(days=3)).weekday(), interval=2),
            start=today - dt.timedelta(days=17),
            time=dt.time(16, 0),
            products=[product],
            attendees=people[:4],
            teams=[],
            now=now,
        )
        for occurrence in _past(actor, gonogo, now):
            _run(
                actor,
                occurrence,
                minutes="Gate reviewed criterion by criterion; blocking defects assigned.",
                attended=people[:4],
                decision=services.DecisionData(
                    title=f"No-go for {upcoming} until the gate passes",
                    rationale="Its quality gate fails; ship once the blocking defects are fixed.",
                    decided_by=actor,
                    releases=[upcoming],
                    features=[feature] if feature else [],
                ),
                actions=[("Fix the blocking defects", owners[0], 2)],
            )
        with clock.travel(now):
            for series in (sync, gonogo):
                services.occurrences_ensure(series=series)
            # The next sync's agenda is ready: it carries over the open action items.
            following = sync.occurrences.filter(starts_at__gt=now).order_by("starts_at").first()
            services.agenda_generate(actor=actor, occurrence=following)
            services.agenda_send(actor=actor, occurrence=following)
    return {"created": True, "series": MeetingSeries.objects.count()}
