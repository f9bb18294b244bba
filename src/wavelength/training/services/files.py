"""Courses as files: a course as a folder of Markdown files with front matter, and back, like
the knowledge spaces (``knowledge.services.docs_io``)::

    course.md            the course: title, owner, duration_minutes, audience_roles,
                         audience_teams (team slugs); its text is the summary
    01-refunds.md        a lesson: title, page ("space/page-slug" for a knowledge page),
                         features and releases (ids); its text is the lesson's Markdown
    01-refunds.quiz.md   the quiz of lesson 01: pass_mark, max_attempts, then its questions
    quiz.md              the course's final quiz

A quiz's questions are written as::

    ## Which product is the mobile app?
    kind: single
    - [x] Fieldline
    - [ ] Relay
    > The explanation, shown after submitting.

``kind`` is single, multiple or true_false (for true/false, ``- [x] True`` or ``- [x] False``).
An import checks every file first and writes one draft course in one transaction: a bad line
names the file and the line, and nothing is imported.
"""

import io
import re
import zipfile
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from wavelength.accounts.models import Team, User
from wavelength.accounts.permissions import require_editor
from wavelength.catalog.models import Feature, Release
from wavelength.core.exceptions import DomainError
from wavelength.knowledge.models import Page
from wavelength.knowledge.services.docs_io import _quoted, parse

from ..access import require_manage
from ..models import Course, Lesson, Question, Quiz
from .courses import (
    CourseData,
    LessonData,
    QuestionData,
    course_create,
    lesson_create,
    question_create,
    quiz_create,
)

COURSE_KEYS = ("title", "owner", "duration_minutes", "audience_roles", "audience_teams")
LESSON_KEYS = ("title", "page", "features", "releases")
QUIZ_KEYS = ("pass_mark", "max_attempts")
MAX_FILES = 500
_LESSON = re.compile(r"^(\d+)-[^/]*?(\.quiz)?\.md$")
_CHOICE = re.compile(r"^- \[( |x|X)\] (.+)$")


def _fail(path: str, line: int | None, message: str) -> DomainError:
    where = _("%(file)s, line %(line)d") % {"file": path, "line": line} if line else path
    return DomainError(f"{where}: {message}", field="files")


@dataclass
class ParsedQuiz:
    path: str
    pass_mark: int
    max_attempts: int
    questions: list[QuestionData] = field(default_factory=list)


def _number(path, doc, key, default, low, high) -> int:
    raw = doc.meta.get(key, str(default))
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise _fail(
            path,
            doc.lines.get(key),
            _("%(key)s is a number from %(low)d to %(high)d.")
            % {"key": key, "low": low, "high": high},
        )
    return int(raw)


def _question(path: str, line: int, text: str, rows: list[tuple[int, str]]) -> QuestionData:
    kind, choices, explanation = "", [], []
    for number, row in rows:
        choice = _CHOICE.match(row)
        if row.startswith("kind:"):
            kind = row.split(":", 1)[1].strip()
        elif choice:
            choices.append((choice.group(2).strip(), choice.group(1) != " "))
        elif row.startswith(">"):
            explanation.append(row[1:].strip())
        elif row.strip():
            raise _fail(
                path,
                number,
                _("expected “kind:”, an answer “- [x] …” or “- [ ] …”, or “> explanation”."),
            )
    kind = kind or ("multiple" if sum(c for _t, c in choices) > 1 else "single")
    true_is_correct = True
    if kind == "true_false":
        marked = [t.casefold() for t, c in choices if c]
        if marked not in (["true"], ["false"]):
            raise _fail(path, line, _("a true/false question marks “True” or “False”."))
        true_is_correct = marked == ["true"]
    return QuestionData(
        kind=kind,
        text=text,
        choices=choices,
        explanation="\n".join(explanation),
        true_is_correct=true_is_correct,
    )


def parse_quiz(path: str, text: str) -> ParsedQuiz:
    """A quiz file: its settings, then "## question" blocks."""
    doc = parse(path, text, keys=QUIZ_KEYS, required=())
    quiz = ParsedQuiz(
        path=path,
        pass_mark=_number(path, doc, "pass_mark", 80, 0, 100),
        max_attempts=_number(path, doc, "max_attempts", 3, 0, 100),
    )
    first = len(text.replace("\r\n", "\n").split("\n")) - len(doc.body.split("\n")) + 1
    current: tuple[int, str] | None = None
    rows: list[tuple[int, str]] = []
    for number, row in enumerate(doc.body.split("\n"), start=first):
        if row.startswith("## "):
            if current:
                quiz.questions.append(_question(path, current[0], current[1], rows))
            current, rows = (number, row[3:].strip()), []
        elif current:
            rows.append((number, row))
        elif row.strip():
            raise _fail(path, number, _("a question starts with “## ”."))
    if current:
        quiz.questions.append(_question(path, current[0], current[1], rows))
    if not quiz.questions:
        raise _fail(path, None, _("a quiz has at least one question."))
    return quiz


def _strip_folder(files: dict[str, str]) -> dict[str, str]:
    """Names without the folder the course was zipped in."""
    names = list(files)
    tops = {n.split("/", 1)[0] for n in names if "/" in n}
    if len(tops) == 1 and all("/" in n for n in names):
        return {n.split("/", 1)[1]: t for n, t in files.items()}
    return files


def _ids(path, doc, key, model) -> list:
    raw = [x.strip() for x in doc.meta.get(key, "").split(",") if x.strip()]
    if any(not x.isdigit() for x in raw):
        raise _fail(path, doc.lines.get(key), _("%(key)s are ids: 12, 14.") % {"key": key})
    found = list(model.objects.filter(pk__in=[int(x) for x in raw]))
    if len(found) != len(set(raw)):
        raise _fail(path, doc.lines.get(key), _("unknown %(key)s.") % {"key": key})
    return found


def _page(path, doc, actor) -> Page | None:
    ref = doc.meta.get("page", "")
    if not ref:
        return None
    space, _sep, slug = ref.partition("/")
    page = Page.objects.visible_to(actor).filter(space__slug=space, slug=slug).first()
    if page is None:
        raise _fail(path, doc.lines.get("page"), _("no page “%(ref)s”.") % {"ref": ref})
    return page


def _course_data(files: dict[str, str], actor) -> CourseData:
    path = "course.md"
    if path not in files:
        raise DomainError(_("The folder has no course.md."), field="files")
    doc = parse(path, files[path], keys=COURSE_KEYS, required=("title",))
    owner = actor
    if doc.meta.get("owner"):
        owner = User.objects.filter(email__iexact=doc.meta["owner"], is_active=True).first()
        if owner is None:
            message = _("nobody has the e-mail “%(e)s”.") % {"e": doc.meta["owner"]}
            raise _fail(path, doc.lines["owner"], message)
    slugs = [x.strip() for x in doc.meta.get("audience_teams", "").split(",") if x.strip()]
    teams = list(Team.objects.filter(slug__in=slugs))
    if len(teams) != len(set(slugs)):
        raise _fail(path, doc.lines.get("audience_teams"), _("unknown team in audience_teams."))
    return CourseData(
        title=doc.meta["title"],
        owner=owner,
        summary=doc.body.strip(),
        duration_minutes=_number(path, doc, "duration_minutes", 30, 1, 6000),
        audience_roles=[x.strip() for x in doc.meta.get("audience_roles", "").split(",") if x],
        audience_teams=teams,
    )


@dataclass
class ParsedLesson:
    path: str
    data: LessonData
    quiz: ParsedQuiz | None = None


def _lessons(files: dict[str, str], actor) -> list[ParsedLesson]:
    lessons: dict[int, ParsedLesson] = {}
    quizzes: dict[int, ParsedQuiz] = {}
    for path in sorted(files):
        if path in ("course.md", "quiz.md"):
            continue
        match = _LESSON.match(path)
        if match is None:
            raise _fail(
                path, None, _("a lesson file is named “01-title.md” (its quiz “01-title.quiz.md”).")
            )
        number = int(match.group(1))
        if match.group(2):
            quizzes[number] = parse_quiz(path, files[path])
            continue
        if number in lessons:
            raise _fail(path, None, _("two lessons are numbered %(n)d.") % {"n": number})
        doc = parse(path, files[path], keys=LESSON_KEYS, required=())
        page = _page(path, doc, actor)
        lessons[number] = ParsedLesson(
            path=path,
            data=LessonData(
                title=doc.meta.get("title", ""),
                kind="page" if page else "markdown",
                page=page,
                body="" if page else doc.body.strip(),
                features=_ids(path, doc, "features", Feature),
                releases=_ids(path, doc, "releases", Release),
            ),
        )
    for number, quiz in quizzes.items():
        if number not in lessons:
            raise _fail(quiz.path, None, _("no lesson %(n)d for this quiz.") % {"n": number})
        lessons[number].quiz = quiz
    return [lessons[n] for n in sorted(lessons)]


def _written(path: str, call):
    """A service's refusal, naming the file it came from."""
    try:
        return call()
    except DomainError as exc:
        raise _fail(path, None, exc.message) from None


def _add_quiz(actor, course, lesson, quiz: ParsedQuiz) -> None:
    made = _written(
        quiz.path,
        lambda: quiz_create(
            actor=actor,
            course=course,
            lesson=lesson,
            pass_mark=quiz.pass_mark,
            max_attempts=quiz.max_attempts,
        ),
    )
    for question in quiz.questions:
        _written(quiz.path, lambda q=question: question_create(actor=actor, quiz=made, data=q))


@transaction.atomic
def course_import(*, actor, files: dict[str, str]) -> Course:
    """A draft course from a folder of Markdown files (``{name: text}``); all or nothing, a
    bad file named with its line. Editors import; the course belongs to its ``owner``."""
    require_editor(actor)
    files = _strip_folder(files)
    if len(files) > MAX_FILES:
        raise DomainError(_("At most %(n)d files.") % {"n": MAX_FILES}, field="files")
    data = _course_data(files, actor)
    lessons = _lessons(files, actor)
    final = parse_quiz("quiz.md", files["quiz.md"]) if "quiz.md" in files else None
    if not lessons:
        raise DomainError(_("The folder has no lesson (01-title.md)."), field="files")
    course = _written("course.md", lambda: course_create(actor=actor, data=data))
    for parsed in lessons:
        lesson = _written(
            parsed.path, lambda p=parsed: lesson_create(actor=actor, course=course, data=p.data)
        )
        if parsed.quiz:
            _add_quiz(actor, course, lesson, parsed.quiz)
    if final:
        _add_quiz(actor, course, None, final)
    return course


# Export ---------------------------------------------------------------------------------------


def _front(pairs) -> str:
    return "---\n" + "".join(f"{k}: {_quoted(str(v))}\n" for k, v in pairs if v) + "---\n"


def _slug(text: str) -> str:
    return slugify(text)[:40] or "lesson"


def render_quiz(quiz: Quiz) -> str:
    parts = [_front([("pass_mark", str(quiz.pass_mark)), ("max_attempts", str(quiz.max_attempts))])]
    for question in quiz.questions.order_by("position", "id"):
        parts.append(_render_question(question))
    return "\n".join(parts)


def _render_question(question: Question) -> str:
    lines = [f"## {' '.join(question.text.split())}", f"kind: {question.kind}"]
    for choice in question.choices:
        text = choice["text"]
        if question.kind == "true_false":
            text = "True" if text == "true" else "False"
        lines.append(f"- [{'x' if choice['correct'] else ' '}] {text}")
    lines += [f"> {row}" for row in question.explanation.splitlines() if row.strip()]
    return "\n".join(lines) + "\n"


def _render_lesson(lesson: Lesson) -> str:
    page = f"{lesson.page.space.slug}/{lesson.page.slug}" if lesson.page_id else ""
    pairs = [
        ("title", lesson.title),
        ("page", page),
        ("features", ", ".join(str(f.pk) for f in lesson.features.all())),
        ("releases", ", ".join(str(r.pk) for r in lesson.releases.all())),
    ]
    return _front(pairs) + ("" if lesson.page_id else lesson.body.rstrip() + "\n")


def course_export(*, actor, course: Course) -> dict[str, str]:
    """The course as ``{name: text}`` (with its quizzes' answers: its owner and the
    administrators)."""
    require_manage(actor, course)
    files = {
        "course.md": _front(
            [
                ("title", course.title),
                ("owner", course.owner.email),
                ("duration_minutes", str(course.duration_minutes)),
                ("audience_roles", ", ".join(course.audience_roles)),
                ("audience_teams", ", ".join(t.slug for t in course.audience_teams.all())),
            ]
        )
        + (course.summary.rstrip() + "\n" if course.summary else "")
    }
    quizzes = {q.lesson_id: q for q in course.quizzes.prefetch_related("questions")}
    lessons = course.lessons.select_related("page__space").prefetch_related("features", "releases")
    for number, lesson in enumerate(lessons.order_by("position", "id"), 1):
        name = f"{number:02d}-{_slug(lesson.title)}"
        files[f"{name}.md"] = _render_lesson(lesson)
        if lesson.pk in quizzes:
            files[f"{name}.quiz.md"] = render_quiz(quizzes[lesson.pk])
    if None in quizzes:
        files["quiz.md"] = render_quiz(quizzes[None])
    return files


def as_zip(course: Course, files: dict[str, str]) -> bytes:
    """The files in a folder named after the course, zipped."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(f"course-{course.pk}/{name}", text.encode())
    return buffer.getvalue()
