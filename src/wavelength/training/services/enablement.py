"""Release enablement: a course drafted from what Wavelength knows about a release or a feature
(its description, the pages about it, the changelog, the customers' quotes and the customers
waiting for it) with a short quiz, for the enablement owner to edit and publish. Publishing
it assigns it to the chosen teams, due before the release's target date.

Drafts are made on demand (the release and feature pages, the API) and on their own when a
feature reaches beta or general availability or a release is in progress, for products with
an enablement owner (see ``signals.py``).
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from wavelength.accounts.models import Team
from wavelength.accounts.permissions import require_editor
from wavelength.catalog.models import Feature, Release, ReleaseStatus, Stage
from wavelength.core import activity, clock, notifications, versioning
from wavelength.core.exceptions import Conflict, DomainError
from wavelength.feedback.models import Company, FeedbackLink
from wavelength.knowledge.models import Page, SpaceVisibility

from ..access import require_manage
from ..models import Course, Enablement, EnablementGate
from ..pages import published_number
from .courses import (
    CourseData,
    LessonData,
    QuestionData,
    course_create,
    lesson_create,
    question_create,
    quiz_create,
)

# The teams an enablement course is for when the product's gate names none.
ENABLED_TEAMS = ("sales", "support", "success", "customer-success")
FEATURES_SHOWN = 8
QUOTES_SHOWN = 3
CUSTOMERS_SHOWN = 10
PAGES_SHOWN = 5
QUESTIONS = 6
# Due this many days before the release's target date; without one, this many after today.
LEAD_DAYS = 3
WITHOUT_TARGET_DAYS = 14


def _gate(product_id: int) -> EnablementGate | None:
    return EnablementGate.objects.filter(product_id=product_id).prefetch_related("teams").first()


def _default_teams(gate: EnablementGate | None) -> list[Team]:
    if gate is not None and gate.pk and gate.teams.exists():
        return list(gate.teams.all())
    return list(Team.objects.filter(slug__in=ENABLED_TEAMS).order_by("name"))


def _target(release: Release | None, feature: Feature | None) -> dt.date | None:
    if release is not None:
        return release.target_date
    upcoming = feature.releases.exclude(
        status__in=[ReleaseStatus.RELEASED, ReleaseStatus.CANCELLED]
    ).exclude(target_date=None)
    found = upcoming.order_by("target_date").first()
    return found.target_date if found else None


def default_due_on(target: dt.date | None) -> dt.date:
    """A few days before the target date, but never before tomorrow."""
    tomorrow = clock.now().date() + dt.timedelta(days=1)
    if target is None:
        return clock.now().date() + dt.timedelta(days=WITHOUT_TARGET_DAYS)
    return max(target - dt.timedelta(days=LEAD_DAYS), tomorrow)


# What the product knows -------------------------------------------------------------------


def _open_pages(features: list[Feature], release: Release | None) -> list[Page]:
    """Published pages everyone may read about the features or the release (so whoever the
    course is assigned to can read them)."""
    ids = [f.pk for f in features]
    pages = Page.objects.filter(space__visibility=SpaceVisibility.EVERYONE).filter(
        links__kind="feature", links__target_id__in=ids
    )
    if release is not None:
        pages = pages | Page.objects.filter(
            space__visibility=SpaceVisibility.EVERYONE,
            links__kind="release",
            links__target_id=release.pk,
        )
    found = pages.distinct().order_by("title")[: PAGES_SHOWN * 3]
    return [p for p in found if published_number(p) is not None][:PAGES_SHOWN]


def _quotes(feature: Feature) -> list[FeedbackLink]:
    links = (
        FeedbackLink.objects.filter(feature=feature)
        .exclude(quote="")
        .select_related("feedback__company")
        .order_by("-feedback__company__arr", "-created_at")
    )
    return list(links[:QUOTES_SHOWN])


def _waiting(feature: Feature) -> list[Company]:
    """The customers who asked for the feature, largest first."""
    return list(
        Company.objects.filter(feedback__links__feature=feature)
        .distinct()
        .order_by("-arr", "name")[:CUSTOMERS_SHOWN]
    )


def _feature_text(feature: Feature) -> str:
    parts = [feature.description.strip() or _("No description yet.")]
    quotes = _quotes(feature)
    if quotes:
        parts.append("### " + _("What customers said"))
        for link in quotes:
            who = link.feedback.company.name if link.feedback.company_id else ""
            text = " ".join(link.quote.split())
            parts.append(f"> {text}" + (f"\n>\n> — {who}" if who else ""))
    waiting = _waiting(feature)
    if waiting:
        parts.append("### " + _("Customers waiting for it"))
        parts.append("\n".join(f"- {c.name}" for c in waiting))
    return "\n\n".join(parts)


def _overview(release: Release, features: list[Feature]) -> str:
    parts = [release.description.strip()] if release.description.strip() else []
    if release.target_date:
        parts.append(_("Target date: %(date)s.") % {"date": release.target_date.isoformat()})
    if features:
        parts.append("### " + _("What it ships"))
        parts.append("\n".join(f"- **{f.title}** ({f.get_stage_display()})" for f in features))
    entries = list(release.changelog.order_by("created_at", "id")[:10])
    if entries:
        parts.append("### " + _("Changelog"))
        for entry in entries:
            parts.append(f"**{entry.title}**\n\n{entry.body.strip()}".strip())
    return "\n\n".join(parts) or release.version


# The quiz -------------------------------------------------------------------------------------


def _questions(release: Release | None, features: list[Feature]) -> list[QuestionData]:
    """A short quiz on what the learners must know: which features ship in the release, who
    asked for them, and what stage each is in."""
    out: list[QuestionData] = []
    shipped = {f.pk for f in features}
    others = list(
        Feature.objects.filter(product_id=features[0].product_id)
        .exclude(pk__in=shipped)
        .order_by("title")
        .values_list("title", flat=True)[:3]
    )
    for feature in features:
        if release is not None and len(others) >= 2:
            out.append(
                QuestionData(
                    kind="single",
                    text=_("Which of these ships in %(release)s?") % {"release": release},
                    choices=[(feature.title, True)] + [(t, False) for t in others[:2]],
                    explanation=feature.title,
                )
            )
        waiting = _waiting(feature)[:1]
        strangers = list(
            Company.objects.exclude(feedback__links__feature=feature)
            .order_by("-arr", "name")
            .values_list("name", flat=True)[:2]
        )
        if waiting and len(strangers) == 2:
            out.append(
                QuestionData(
                    kind="single",
                    text=_("Which customer asked for “%(feature)s”?") % {"feature": feature},
                    choices=[(waiting[0].name, True)] + [(n, False) for n in strangers],
                    explanation=_("%(company)s is waiting for it.") % {"company": waiting[0]},
                )
            )
        available = feature.stage == Stage.GENERALLY_AVAILABLE
        out.append(
            QuestionData(
                kind="true_false",
                text=_("“%(feature)s” is generally available to every customer.")
                % {"feature": feature},
                true_is_correct=available,
                explanation=_("Its stage: %(stage)s.") % {"stage": feature.get_stage_display()},
            )
        )
    return out[:QUESTIONS]


# Drafting -------------------------------------------------------------------------------------


def _subject(release: Release | None, feature: Feature | None) -> tuple[list[Feature], str]:
    if release is not None:
        features = list(release.features.order_by("title")[:FEATURES_SHOWN])
        title = _("Enablement: %(product)s %(release)s") % {
            "product": release.product.name,
            "release": release.version,
        }
        return features, title
    return [feature], _("Enablement: %(feature)s") % {"feature": feature.title}


@transaction.atomic
def enablement_draft(
    *, actor, release: Release | None = None, feature: Feature | None = None, owner=None
) -> Enablement:
    """Draft the enablement course of a release (or of one feature): an overview with the
    changelog, a lesson per feature (its description, customers' quotes, who is waiting), the
    published pages about them, and a final quiz. The draft belongs to ``owner`` (the
    actor by default), for the teams of the product's gate (else sales, support and success),
    due a few days before the release's target date. Refused when one exists already."""
    require_editor(actor)
    if (release is None) == (feature is None):
        raise DomainError(_("Choose a release or a feature."), field="release")
    found = Enablement.objects.filter(release=release) if release else None
    found = found if found is not None else Enablement.objects.filter(feature=feature)
    if found.exists():
        raise Conflict(_("Its enablement course is drafted already."), field="release")
    product = (release or feature).product
    features, title = _subject(release, feature)
    if release is not None and not features:
        raise DomainError(_("Add features to the release first."), field="release")
    owner = owner or actor
    course = course_create(
        actor=actor,
        data=CourseData(
            title=title[:200],
            owner=owner,
            summary=(release.name if release else feature.title) or "",
            duration_minutes=10 + 5 * len(features),
            audience_teams=_default_teams(_gate(product.pk)),
            features=features,
            releases=[release] if release else [],
        ),
    )
    _draft_content(owner, course, release, features)
    enablement = Enablement.objects.create(
        course=course,
        release=release,
        feature=feature,
        due_on=default_due_on(_target(release, feature)),
    )
    enablement.teams.set(_default_teams(_gate(product.pk)))
    activity.record(actor=actor, verb="enablement_drafted", target=course, scope="training")
    notifications.notify(
        recipients=[owner],
        verb="enablement_drafted",
        title=lambda: (
            _("Enablement course to review and publish: “%(course)s”") % {"course": course}
        ),
        url=course.get_absolute_url(),
        actor=actor,
        target=course,
    )
    return enablement


def _draft_content(owner, course: Course, release, features: list[Feature]) -> None:
    """The lessons and quiz, written in the owner's language (they edit it)."""
    with translation.override(owner.language or translation.get_language()):
        if release is not None:
            lesson_create(
                actor=owner,
                course=course,
                data=LessonData(
                    title=_("What %(release)s brings") % {"release": release},
                    kind="markdown",
                    body=_overview(release, features),
                    releases=[release],
                ),
            )
        for feature in features:
            lesson_create(
                actor=owner,
                course=course,
                data=LessonData(
                    title=feature.title,
                    kind="markdown",
                    body=_feature_text(feature),
                    features=[feature],
                ),
            )
        for page in _open_pages(features, release):
            lesson_create(
                actor=owner, course=course, data=LessonData(title="", kind="page", page=page)
            )
        quiz = quiz_create(actor=owner, course=course, pass_mark=80, max_attempts=3)
        for question in _questions(release, features):
            question_create(actor=owner, quiz=quiz, data=question)


def enablement_draft_for(*, release: Release | None = None, feature: Feature | None = None):
    """The draft made on its own (a feature reached beta or general availability, a release is
    in progress) for the product's enablement owner; nothing when the product has none, when
    one exists already, or (for a feature) when a release in progress covers it."""
    product = (release or feature).product
    gate = _gate(product.pk)
    owner = gate.owner if gate is not None else None
    if owner is None or not owner.is_active or not owner.can_edit:
        return None
    if release is not None and Enablement.objects.filter(release=release).exists():
        return None
    if feature is not None:
        if Enablement.objects.filter(feature=feature).exists():
            return None
        if Enablement.objects.filter(release__features=feature).exists():
            return None
    if release is not None and not release.features.exists():
        return None
    return enablement_draft(actor=owner, release=release, feature=feature, owner=owner)


@transaction.atomic
def enablement_update(
    *, actor, enablement: Enablement, teams: list, due_on: dt.date, if_version=None
) -> Enablement:
    """The teams publishing assigns the course to, and by when (the course's owner)."""
    enablement = Enablement.objects.select_for_update().get(pk=enablement.pk)
    require_manage(actor, enablement.course)
    versioning.check(enablement, if_version)
    if enablement.assigned_at is not None:
        raise Conflict(
            _("The course is assigned already: assign it again from its page to change a date."),
            field="due_on",
        )
    if due_on is None or due_on < clock.now().date():
        raise DomainError(_("The due date has passed: choose a later one."), field="due_on")
    if not teams:
        raise DomainError(_("Choose the teams to enable."), field="teams")
    before = activity.snapshot(enablement, Enablement.TRACKED)
    enablement.due_on = due_on
    enablement.save()
    enablement.teams.set(teams)
    changes = activity.diff(before, activity.snapshot(enablement, Enablement.TRACKED))
    if changes:
        activity.record(
            actor=actor,
            verb="updated",
            target=enablement.course,
            scope="training",
            changes=changes,
        )
    return enablement


def enablement_assign(*, actor, course: Course) -> int:
    """After publishing: an enablement course not yet assigned goes to its teams by its due
    date (refused as a whole, with the publishing, when that cannot be)."""
    from .learning import assignment_create

    enablement = Enablement.objects.select_for_update().filter(course=course).first()
    if enablement is None or enablement.assigned_at is not None:
        return 0
    teams = list(enablement.teams.all())
    if not teams:
        raise DomainError(_("Choose the teams to enable before publishing."), field="teams")
    if not actor.can_edit:
        raise PermissionDenied(_("Only editors assign courses."))
    rows = assignment_create(
        actor=actor, course=course, due_on=enablement.due_on, teams=teams, source="enablement"
    )
    enablement.assigned_at = clock.now()
    enablement.save(update_fields=["assigned_at"])
    return len(rows)


def enablement_from_activity(*, activity_id: int) -> Enablement | None:
    """The draft an activity row calls for, if the feature or release is still there."""
    from django.contrib.contenttypes.models import ContentType

    from wavelength.core.models import Activity

    row = Activity.objects.filter(pk=activity_id).first()
    if row is None:
        return None
    kind = ContentType.objects.get_for_id(row.target_type_id).model
    if kind == "feature":
        feature = Feature.objects.filter(
            pk=row.target_id, stage__in=[Stage.BETA, Stage.GENERALLY_AVAILABLE]
        ).first()
        return enablement_draft_for(feature=feature) if feature else None
    if kind == "release":
        release = Release.objects.filter(pk=row.target_id, status=ReleaseStatus.IN_PROGRESS).first()
        return enablement_draft_for(release=release) if release else None
    return None
