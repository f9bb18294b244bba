"""What training adds to other pages: the reader's assigned courses on "my work", the feature
page's Training section, the release gate criterion "enablement complete", and the condition
"course passed" for playbook steps."""

from django.utils.translation import gettext_lazy as _

from wavelength.core.conditions import ConditionResult


def _feature_training(*, user, feature):
    from .readiness import feature_training

    return feature_training(user=user, feature=feature)


def _release_enablement(*, user, release):
    from .selectors import release_enablement

    return release_enablement(user=user, release=release)


def _courses_counted(items) -> int:
    """The courses listed, not the button drafting one."""
    return sum(1 for item in items if item["course"] is not None)


def _course_passed(*, target, subject=None, params=None) -> ConditionResult:
    """The person a run is for (or the target, when it is a person) passed the course."""
    from .models import Course, Enrollment

    person = subject or target
    course = Course.objects.filter(pk=(params or {}).get("course")).first()
    if course is None:
        return ConditionResult(ok=False, detail=str(_("No such course.")))
    passed = Enrollment.objects.filter(
        user_id=getattr(person, "pk", None), course=course, passed_at__isnull=False
    ).exists()
    detail = _("%(course)s passed.") if passed else _("%(course)s not passed yet.")
    return ConditionResult(
        ok=passed,
        detail=str(detail) % {"course": course.title},
        missing=[] if passed else [(course.title, course.get_absolute_url())],
    )


def _course_choices(*, user):
    from .models import Course

    return [(str(c.pk), c.title) for c in Course.objects.published().order_by("title")]


def register() -> None:
    from wavelength.catalog.gates import register_release_gate
    from wavelength.catalog.sections import register_section
    from wavelength.core.conditions import register_condition

    from .readiness import enablement_complete

    register_release_gate(
        "training.enablement",
        label=_("Enablement complete"),
        evaluate=enablement_complete,
        order=60,
    )
    register_section(
        "feature",
        "training",
        title=_("Training"),
        template="training/_feature_section.html",
        loader=_feature_training,
        empty_text=_("No course is about this feature yet."),
        order=75,
        count=_courses_counted,
    )
    register_section(
        "release",
        "enablement",
        title=_("Enablement"),
        template="training/_release_section.html",
        loader=_release_enablement,
        empty_text=_("No enablement course for this release yet."),
        order=75,
        count=_courses_counted,
    )
    register_condition(
        "training.course_passed",
        label=_("Course passed"),
        evaluate=_course_passed,
        params=("course",),
        choices=_course_choices,
    )
    from wavelength.core.mywork import register_work

    from .selectors import my_open_assignments

    register_work(
        "training.assignments",
        title=_("My courses to take"),
        template="training/_my_assignments.html",
        loader=my_open_assignments,
        order=60,
    )
