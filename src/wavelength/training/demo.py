"""The demo's training: "Product basics" (a knowledge page, a lesson with its quiz and a final
quiz) assigned to support and sales, some of them overdue; a security policy course with a
yearly certification, one holder about to be asked to renew; attempts that fail and pass; the
learning path "Support agent, first month"; and the enablement course of the release in
progress, drafted from what the product knows and passed by some of support and sales. Dates
count back from the story's end, and every step goes through the services at its own time
(clock.travel)."""

import datetime as dt
import random

from django.db import transaction

from wavelength.accounts.models import Team, User
from wavelength.catalog.models import Release, ReleaseStatus
from wavelength.core import clock
from wavelength.knowledge.models import Page, PageStatus, SpaceVisibility

from . import services
from .models import Course

BASICS_TEXT = """Kestrel's products share one account, one sign-in and one billing plan.

- **Lumen Analytics**: dashboards and reports on customers' own data.
- **Fieldline**: the mobile app for teams on the road.
- **Relay**: the integration platform that connects both to other tools.

When a customer asks for help, first find out which product they use and which plan they
are on: the answer changes what they can do."""


def _single(text, right, wrong, explanation=""):
    choices = [(right, True)] + [(w, False) for w in wrong]
    return services.QuestionData(kind="single", text=text, choices=choices, explanation=explanation)


def _course(
    actor, *, title, summary, minutes, page, lesson, quiz_questions, final_questions, teams
):
    course = services.course_create(
        actor=actor,
        data=services.CourseData(
            title=title,
            summary=summary,
            owner=actor,
            duration_minutes=minutes,
            audience_teams=teams,
        ),
    )
    if page is not None:
        services.lesson_create(
            actor=actor, course=course, data=services.LessonData(title="", kind="page", page=page)
        )
    if lesson is not None:
        made = services.lesson_create(
            actor=actor,
            course=course,
            data=services.LessonData(title=lesson[0], kind="markdown", body=lesson[1]),
        )
        quiz = services.quiz_create(
            actor=actor, course=course, lesson=made, pass_mark=100, max_attempts=0
        )
        for question in quiz_questions:
            services.question_create(actor=actor, quiz=quiz, data=question)
    final = services.quiz_create(actor=actor, course=course, pass_mark=70, max_attempts=3)
    for question in final_questions:
        services.question_create(actor=actor, quiz=final, data=question)
    return services.course_publish(actor=actor, course=course)


def _answers(version, key, *, right: bool):
    out = {}
    for question in version.quiz(key)["questions"]:
        ids = [c["id"] for c in question["choices"] if c["correct"] == right]
        out[str(question["id"])] = ids if right else ids[:1]
    return out


def _take(person, course: Course, *, fail_first: bool, passes: bool, rng) -> None:
    """``person`` reads every lesson and takes the quizzes: fails the final one first when
    ``fail_first``, and passes it when ``passes``."""
    enrollment = services.enrollment_start(actor=person, course=course)
    version = enrollment.version
    for lesson in version.lessons():
        if lesson.get("quiz"):
            key = lesson["quiz"]["id"]
            attempt = services.attempt_start(
                actor=person, enrollment=enrollment, quiz_key=key, rng=rng
            )
            services.attempt_submit(
                actor=person, attempt=attempt, answers=_answers(version, key, right=True)
            )
        else:
            services.lesson_complete(actor=person, enrollment=enrollment, lesson_key=lesson["id"])
    key = version.content["quiz"]["id"]
    for right in ([False] if fail_first else []) + ([True] if passes else []):
        attempt = services.attempt_start(actor=person, enrollment=enrollment, quiz_key=key, rng=rng)
        services.attempt_submit(
            actor=person, attempt=attempt, answers=_answers(version, key, right=right)
        )


def build_training_demo(*, now: dt.datetime | None = None) -> dict:
    """Add the demo's courses unless some exist."""
    if Course.objects.exists():
        return {"created": False}
    now = now or clock.now()
    people = {u.email.split("@")[0].split(".")[0]: u for u in User.objects.filter(is_active=True)}
    lead, maya = people.get("fatima"), people.get("maya")
    open_pages = Page.objects.filter(
        space__visibility=SpaceVisibility.EVERYONE, status=PageStatus.PUBLISHED
    )
    welcome = open_pages.filter(space__slug="onboarding").order_by("pk").first()
    policy = Page.objects.filter(space__slug="policies", title__icontains="security").first()
    if lead is None or maya is None or welcome is None:
        return {"created": False}
    teams = {t.slug: t for t in Team.objects.all()}
    rng = random.Random(16)
    day = lambda n: now - dt.timedelta(days=n)  # noqa: E731
    with transaction.atomic():
        with clock.travel(day(70)):
            basics = _course(
                lead,
                title="Product basics",
                minutes=45,
                page=welcome,
                summary="What we sell, to whom, and where to look when a customer asks.",
                lesson=("Our three products", BASICS_TEXT),
                quiz_questions=[
                    _single(
                        "Which product is the mobile app?",
                        "Fieldline",
                        ["Lumen Analytics", "Relay"],
                    )
                ],
                final_questions=[
                    _single(
                        "What do all products share?",
                        "One account and billing plan",
                        ["Nothing", "Only the logo"],
                        "One account, one sign-in, one billing plan.",
                    ),
                    services.QuestionData(
                        kind="true_false",
                        true_is_correct=False,
                        text="Relay is a dashboard product.",
                    ),
                    services.QuestionData(
                        kind="multiple",
                        text="What do you ask first?",
                        choices=[
                            ("Which product", True),
                            ("Which plan", True),
                            ("Their favourite colour", False),
                        ],
                    ),
                ],
                teams=[teams[s] for s in ("support", "sales") if s in teams],
            )
            security = _course(
                maya,
                title="Information security, yearly",
                minutes=20,
                page=policy if policy is not None and services_published(policy) else None,
                summary="The security policy everyone confirms once a year.",
                lesson=None
                if policy is not None and services_published(policy)
                else (
                    "Security basics",
                    "Lock your screen. Report phishing. Use the password manager.",
                ),
                quiz_questions=[
                    _single("Where do passwords go?", "The password manager", ["A sticky note"])
                ],
                final_questions=[
                    _single(
                        "You get a suspicious e-mail. You…",
                        "report it to security",
                        ["open the attachment", "forward it to a colleague"],
                    ),
                    services.QuestionData(
                        kind="true_false",
                        true_is_correct=True,
                        text="You lock your screen when you leave your desk.",
                    ),
                ],
                teams=[],
            )
            services.certification_set(
                actor=maya, course=security, name="Security awareness", valid_days=365, warn_days=30
            )
            services.path_create(
                actor=lead,
                name="Support agent, first month",
                description="Everything a new support agent takes in a month.",
                courses=[basics, security],
            )
        with clock.travel(day(40)):
            support_sales = [teams[s] for s in ("support", "sales") if s in teams]
            services.assignment_create(
                actor=lead, course=basics, due_on=day(10).date(), teams=support_sales
            )
        with clock.travel(day(30)):
            services.assignment_create(
                actor=maya,
                course=security,
                due_on=day(-14).date(),
                teams=[teams[s] for s in ("support", "engineering") if s in teams],
            )
        for name, ago, fail_first, passes in (
            ("noah", 20, True, True),
            ("fatima", 25, False, True),
            ("marcus", 12, True, False),
        ):
            if name in people:
                with clock.travel(day(ago)):
                    _take(people[name], basics, fail_first=fail_first, passes=passes, rng=rng)
        for name, ago in (("sven", 340), ("aisha", 20)):
            if name in people:
                with clock.travel(day(ago)):
                    _take(people[name], security, fail_first=False, passes=True, rng=rng)
        _enablement(maya, teams, now, rng)
        with clock.travel(day(1)):
            services.reminders_send()
            services.certifications_renew()
    return {"created": True, "courses": Course.objects.count()}


def _enablement(admin, teams: dict, now: dt.datetime, rng) -> None:
    """The release in progress needs 80 % of support and sales ready. Its enablement course
    is drafted from what the product knows, published (which assigns it to both teams, due
    before the target date) and passed by some, so its gate lists who is not ready yet."""
    release = (
        Release.objects.filter(status=ReleaseStatus.IN_PROGRESS)
        .order_by("target_date", "pk")
        .first()
    )
    ready = [teams[s] for s in ("support", "sales") if s in teams]
    if release is None or not ready or not release.features.exists():
        return
    with clock.travel(now - dt.timedelta(days=6)):
        services.enablement_gate_set(
            actor=admin, product=release.product, min_percent=80, teams=ready, owner=admin
        )
        enablement = services.enablement_draft(actor=admin, release=release)
        course = services.course_publish(actor=admin, course=enablement.course)
    learners = list(
        User.objects.filter(training_assignments__course=course)
        .exclude(pk=admin.pk)
        .order_by("name", "pk")[:3]
    )
    for ago, person in zip((4, 3, 2), learners, strict=False):
        with clock.travel(now - dt.timedelta(days=ago)):
            _take(person, course, fail_first=ago == 3, passes=True, rng=rng)


def services_published(page: Page) -> bool:
    from .pages import published_number

    return published_number(page) is not None
