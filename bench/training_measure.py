"""Measurements of training: the completion report and "my learning".

The learners, courses and assignments are added in bulk the first time (``SIZES``, chosen by
``BENCH_TRAINING``), topping up what is there, so the data of the other apps is kept. The
default, M, is the size the report is specified for whatever the scale of the rest: 2,000
people × 200 courses, each person assigned 20 of them, a learner in progress or passed on most;
its figures on the S and the M data sets say whether the report stays flat as the rest of
the data grows. ``BENCH_TRAINING=S`` is a small workspace: 200 people × 20 courses, 10 each.
"""

import datetime as dt
import os
import random

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wavelength.accounts.models import Team, User
from wavelength.training import selectors
from wavelength.training.access import readable_courses
from wavelength.training.models import Assignment, Course, CourseVersion, Enrollment
from wavelength.training.views import COURSES_PER_PAGE

from .data import ADMIN_EMAIL
from .measure import Bench, BenchError, Check, Result

SIZES = {"S": (200, 20, 10), "M": (2_000, 200, 20)}  # people, courses, assignments each
BATCH = 5_000
CONTENT = {
    "lessons": [
        {
            "id": i,
            "title": f"Lesson {i}",
            "kind": "markdown",
            "page": None,
            "body": "Text.",
            "features": [],
            "releases": [],
            "quiz": None,
        }
        for i in (1, 2, 3)
    ],
    "quiz": {"id": 9, "pass_mark": 70, "max_attempts": 3, "questions": []},
}


def _people(n: int) -> list[User]:
    have = User.objects.filter(email__startswith="bench-learner-").count()
    User.objects.bulk_create(
        [
            User(email=f"bench-learner-{i}@bench.example", name=f"Learner {i:05d}", role="viewer")
            for i in range(have, n)
        ],
        batch_size=BATCH,
    )
    return list(User.objects.filter(email__startswith="bench-learner-").order_by("pk")[:n])


def _courses(n: int, owner: User) -> list[Course]:
    have = Course.objects.filter(title__startswith="Bench course ").count()
    made = Course.objects.bulk_create(
        [
            Course(title=f"Bench course {i:04d}", owner=owner, status="published", version=1)
            for i in range(have, n)
        ]
    )
    CourseVersion.objects.bulk_create(
        CourseVersion(course=c, number=1, content=CONTENT) for c in made
    )
    return list(Course.objects.filter(title__startswith="Bench course ").order_by("pk")[:n])


def ensure(size: str, *, seed: int = 16) -> tuple[int, int, int]:
    """The bench's learners, courses and assignments; returns their numbers."""
    people_n, courses_n, each = SIZES[size]
    admin = User.objects.get(email=ADMIN_EMAIL)
    rng = random.Random(seed)
    today = dt.date.today()
    with transaction.atomic():
        people = _people(people_n)
        courses = _courses(courses_n, admin)
        versions = {v.course_id: v for v in CourseVersion.objects.filter(course__in=courses)}
        have = set(Assignment.objects.filter(user__in=people).values_list("user_id", "course_id"))
        rows, enrolled = [], []
        for person in people:
            for course in rng.sample(courses, min(each, len(courses))):
                # Draw every number whether or not the row exists, so a second run draws the
                # same rows and adds none.
                due = today + dt.timedelta(days=rng.randint(-30, 60))
                passed, started, done = rng.random() < 0.4, rng.random() < 0.5, rng.randint(0, 3)
                score = rng.randint(70, 100)
                if (person.pk, course.pk) in have:
                    continue
                rows.append(
                    Assignment(
                        course=course,
                        user=person,
                        due_on=due,
                        completed_at=admin.date_joined if passed else None,
                    )
                )
                if passed or started:
                    enrolled.append(
                        Enrollment(
                            user=person,
                            course=course,
                            version=versions[course.pk],
                            steps_total=4,
                            steps_done=4 if passed else done,
                            passed_at=admin.date_joined if passed else None,
                            best_score=score if passed else None,
                        )
                    )
        Assignment.objects.bulk_create(rows, batch_size=BATCH)
        Enrollment.objects.bulk_create(enrolled, batch_size=BATCH, ignore_conflicts=True)
    # Someone to read "my learning" as: the admin is assigned the same number of courses.
    for course in courses[:each]:
        Assignment.objects.get_or_create(
            course=course, user=admin, defaults={"due_on": today + dt.timedelta(days=7)}
        )
    return len(people), len(courses), Assignment.objects.count()


def _captured(read) -> list[str]:
    """The SQL statements ``read()`` sends, as the database received them."""
    with CaptureQueriesContext(connection) as ctx:
        read()
    return [q["sql"] for q in ctx.captured_queries]


def _bare(statements: list[str]):
    """Those statements again, straight through a cursor: the bare SQL of a page."""

    def bare():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()

    return bare


class TrainingBench:
    def __init__(self, bench: Bench):
        self.bench = bench
        size = os.getenv("BENCH_TRAINING", "M").strip().upper()
        self.size = size if size in SIZES else "M"
        self.people, self.courses, self.assignments = ensure(self.size)
        self.admin = User.objects.get(email=ADMIN_EMAIL)

    def report(self) -> tuple[Result, Check]:
        """The completion report: by course and team, and the first page of assignments."""
        b = self.bench

        def reads():
            selectors.completion_report(user=self.admin)
            selectors.completions_by_month(user=self.admin)
            rows = selectors.report_list(user=self.admin)
            rows.count()
            selectors.report_rows(user=self.admin, rows=rows[:50])
            # The filters' choices: every course's id and title, the teams.
            list(readable_courses(self.admin).order_by("title").values_list("id", "title"))
            list(Team.objects.all())

        bare = _bare(_captured(reads))

        def url(page: int = 1) -> str:
            return reverse("training:report") + f"?page={page}"

        def expect(response):
            if response.status_code != 200 or b"Bench course" not in response.content:
                raise BenchError(f"GET {url()} does not show the assignments.")

        label = f"GET /training/report/ ({self.assignments:,} assignments)"
        result = b.measure("page.trainrep", label, url(), expect, bare)
        check = Check(
            "the completion report", {"page 1": result.queries, "page 3": b.queries(url(3))}
        )
        return result, check

    def report_api(self) -> Result:
        """The completion report through the API: completion by course and by team."""
        url = reverse("api:report-completion")
        statements = _captured(lambda: selectors.completion_report(user=self.admin))

        def expect(response):
            if len(response.json().get("by_course", [])) != self.courses:
                raise BenchError(f"GET {url} does not count every course.")

        return self.bench.measure("api.trainrep", f"GET {url}", url, expect, _bare(statements))

    def my_learning(self) -> tuple[Result, Check]:
        """The training home as a learner with assignments: my learning and the courses."""
        b = self.bench
        url = reverse("training:home")
        learning = selectors.my_learning(user=self.admin)
        if not learning.assignments:
            raise BenchError("The bench admin has no assignment to show.")

        def reads():
            selectors.my_learning(user=self.admin)
            courses = selectors.course_list(user=self.admin)
            courses.count()
            list(courses[:COURSES_PER_PAGE])

        bare = _bare(_captured(reads))

        def expect(response):
            if b"my-learning" not in response.content:
                raise BenchError(f"GET {url} does not show my learning.")

        label = f"GET /training/ ({len(learning.assignments)} assigned, {self.courses} courses)"
        result = b.measure("page.mylearn", label, url, expect, bare)
        check = Check(
            "my learning", {"page 1": result.queries, "page 2": b.queries(url + "?page=2")}
        )
        return result, check
