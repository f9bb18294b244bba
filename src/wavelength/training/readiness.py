"""Training's part of the chain feature → release → training: the release gate criterion
"enablement complete" and the feature page's Training section.

A release's enablement courses are the published courses linked to it. The criterion applies
to a release of a product whose :class:`~.models.EnablementGate` sets a percentage and that has
such a course: among the people of the gate's teams assigned one of them, at least that
percentage must have passed all of theirs. It reads in four queries whatever the numbers.
"""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from wavelength.catalog.gates import GateResult

from .models import Assignment, Course, CourseStatus, Enablement, EnablementGate

SHOWN = 10


def gate_of(product_id: int) -> EnablementGate | None:
    return EnablementGate.objects.filter(product_id=product_id).prefetch_related("teams").first()


def enablement_complete(*, release) -> GateResult | None:
    gate = gate_of(release.product_id)
    if gate is None or gate.min_percent is None:
        return None
    courses = list(Course.objects.filter(releases=release, status=CourseStatus.PUBLISHED))
    if not courses:
        return None
    teams = [t.pk for t in gate.teams.all()]
    people = (
        Assignment.objects.filter(course__in=courses, user__memberships__team__in=teams)
        .values("user_id", "user__name")
        .annotate(open=Count("id", filter=Q(completed_at__isnull=True), distinct=True))
        .order_by("-open", "user__name")
    )
    rows = list(people)
    ready = sum(1 for r in rows if not r["open"])
    percent = round(100 * ready / len(rows)) if rows else 0
    ok = bool(rows) and percent >= gate.min_percent
    report = reverse("training:report") + f"?course={courses[0].pk}"
    missing = [(r["user__name"], report) for r in rows if r["open"]][:SHOWN]
    detail = _("%(ready)d of %(total)d people ready (%(percent)d%%; %(min)d%% needed).") % {
        "ready": ready,
        "total": len(rows),
        "percent": percent,
        "min": gate.min_percent,
    }
    return GateResult(ok=ok, detail=detail, missing=missing)


def feature_training(*, user, feature) -> list[dict]:
    """The courses about ``feature`` (linked to it or one of its lessons) with completion by
    team, and for editors the button drafting its enablement course: three queries."""
    courses = list(
        Course.objects.filter(Q(features=feature) | Q(lessons__features=feature))
        .exclude(status=CourseStatus.DRAFT)
        .distinct()
        .order_by("title")[:20]
    )
    by_course = completion_by_team(courses)
    items = [{"course": c, "teams": by_course.get(c.pk, [])} for c in courses]
    if user.can_edit and not Enablement.objects.filter(feature=feature).exists():
        items.append({"course": None, "draft": {"feature": feature.pk}})
    return items


def completion_by_team(courses) -> dict[int, list[dict]]:
    """For each course, its assignments by team: assigned, passed and the percentage (one
    query)."""
    counts = (
        Assignment.objects.filter(course__in=courses)
        .values("course_id", "user__memberships__team__name")
        .annotate(total=Count("id"), done=Count("id", filter=Q(completed_at__isnull=False)))
        .order_by("user__memberships__team__name")
    )
    by_course: dict[int, list[dict]] = {}
    for row in counts:
        row["percent"] = round(100 * row["done"] / row["total"]) if row["total"] else 0
        by_course.setdefault(row["course_id"], []).append(row)
    return by_course
