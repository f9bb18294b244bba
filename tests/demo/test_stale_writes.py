"""Every edit page and every write endpoint refuses a stale write (see core.versioning).

The lists below are checked against the URL configuration and the OpenAPI document, so a new
edit page or write endpoint fails here until it is listed — and it is then tried for real on
the demo: a form or request built from a version that is no longer current must be refused and
change nothing.
"""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from tests.api.utils import bearer_client
from wavelength.accounts.models import Team, User
from wavelength.catalog.demo import DEMO_EMAIL
from wavelength.catalog.models import ChangelogEntry, Feature, Product, Release, ReleaseStatus
from wavelength.conversations.models import Comment
from wavelength.feedback.models import Company, Feedback
from wavelength.insights.models import SavedView
from wavelength.integrations.models import Webhook
from wavelength.knowledge.models import Page, Space
from wavelength.meetings.models import ActionItem, AgendaItem, Decision, MeetingSeries, Occurrence
from wavelength.outreach.models import LoopMessage, LoopStatus
from wavelength.planning.models import KeyResult, Objective
from wavelength.portal.models import PortalIdea
from wavelength.prioritisation.models import FeatureScore
from wavelength.processes.models import Playbook
from wavelength.quality.models import (
    Checklist,
    Defect,
    Inspection,
    Suite,
    TestCase,
    TestPlan,
    TestResult,
)
from wavelength.research.models import Competitor, Note, Persona, Study, Survey
from wavelength.research.models import Question as SurveyQuestion
from wavelength.training.models import (
    Certification,
    Course,
    Enablement,
    LearningPath,
    Lesson,
    Question,
    Quiz,
)

pytestmark = pytest.mark.django_db

STALE = "0" * 16
REFUSED = ("Someone else saved this", "Someone saved this page")

# Edit pages: URL name -> the URL's arguments, on the demo.
EDIT_PAGES = {
    "accounts:team-edit": lambda: [Team.objects.order_by("pk")[0].slug],
    "accounts:security-policy-edit": lambda: [],
    "catalog:product-edit": lambda: [Product.objects.order_by("pk")[0].slug],
    "catalog:feature-edit": lambda: [Feature.objects.order_by("pk")[0].pk],
    "catalog:release-edit": lambda: [_planned_release().pk],
    "catalog:changelog-edit": lambda: [ChangelogEntry.objects.order_by("pk")[0].pk],
    "knowledge:page-edit": lambda: [Page.objects.order_by("pk")[0].pk],
    "knowledge:space-edit": lambda: [Space.objects.order_by("pk")[0].slug],
    "processes:playbook-edit": lambda: [Playbook.objects.order_by("pk")[0].slug],
    "processes:step-edit": lambda: [Playbook.objects.order_by("pk")[0].slug, 1],
    "processes:onboarding-settings": lambda: [],
    "quality:case-edit": lambda: [TestCase.objects.order_by("pk")[0].pk],
    "quality:suite-edit": lambda: [Suite.objects.order_by("pk")[0].pk],
    "quality:plan-edit": lambda: [TestPlan.objects.order_by("pk")[0].pk],
    "quality:checklist-edit": lambda: [Checklist.objects.order_by("pk")[0].pk],
    "quality:gate": lambda: [Product.objects.order_by("pk")[0].slug],
    "conversations:comment-edit": lambda: [_own_comment().pk],
    "feedback:company-edit": lambda: [Company.objects.order_by("pk")[0].pk],
    "portal:settings": lambda: [],
    "portal:idea-edit": lambda: [PortalIdea.objects.order_by("pk")[0].feature_id],
    "outreach:loop-message-edit": lambda: [_draft().pk],
    "prioritisation:prioritisation-edit": lambda: [
        FeatureScore.objects.order_by("pk")[0].feature_id
    ],
    "meetings:series-edit": lambda: [MeetingSeries.objects.order_by("pk")[0].pk],
    "meetings:occurrence-edit": lambda: [Occurrence.objects.order_by("pk")[0].pk],
    "meetings:item-edit": lambda: [AgendaItem.objects.order_by("pk")[0].pk],
    "meetings:action-edit": lambda: [ActionItem.objects.order_by("pk")[0].pk],
    "meetings:decision-edit": lambda: [Decision.objects.order_by("pk")[0].pk],
    "training:course-edit": lambda: [Course.objects.order_by("pk")[0].pk],
    "training:lesson-edit": lambda: [Lesson.objects.order_by("pk")[0].pk],
    "training:quiz-edit": lambda: [Quiz.objects.order_by("pk")[0].pk],
    "training:question-edit": lambda: [Question.objects.order_by("pk")[0].pk],
    "training:certification-edit": lambda: [Certification.objects.order_by("pk")[0].course_id],
    "training:path-edit": lambda: [LearningPath.objects.order_by("pk")[0].pk],
    "training:gate-edit": lambda: [Product.objects.order_by("pk")[0].slug],
    "training:enablement-edit": lambda: [Enablement.objects.order_by("pk")[0].pk],
    "research:survey-edit": lambda: [Survey.objects.order_by("pk")[0].pk],
    "research:survey-question-edit": lambda: [SurveyQuestion.objects.order_by("pk")[0].pk],
    "research:study-edit": lambda: [Study.objects.order_by("pk")[0].pk],
    "research:study-note-edit": lambda: [Note.objects.order_by("pk")[0].pk],
    "research:persona-edit": lambda: [Persona.objects.order_by("pk")[0].pk],
    "research:competitor-edit": lambda: [Competitor.objects.order_by("pk")[0].pk],
    "planning:objective-edit": lambda: [Objective.objects.order_by("pk")[0].pk],
    "planning:objective-key-result-edit": lambda: [KeyResult.objects.order_by("pk")[0].pk],
    "planning:standards-edit": lambda: [Product.objects.order_by("pk")[0].slug],
    "insights:view-edit": lambda: [_own_view().pk],
    "insights:report-settings": lambda: [],
}
# Pages that look like edit pages but are not forms someone fills in from a version, and why.
NOT_EDIT_PAGES = {
    "quality:result-set": "one click of a run view's result buttons records a new status",
}
EDIT_NAME = re.compile(r"[-:](edit|settings|set)$|^quality:gate$")

# Write endpoints: (method, path) -> (the path's arguments, a body), on the demo. Each path also
# answers a GET, whose ETag and body must not change when a stale write is refused.
WRITES = {
    ("patch", "/api/v1/products/{key}"): lambda: ([Product.objects.first().slug], {}),
    ("patch", "/api/v1/features/{feature_id}"): lambda: ([Feature.objects.first().pk], {}),
    ("patch", "/api/v1/releases/{release_id}"): lambda: ([_planned_release().pk], {}),
    ("patch", "/api/v1/changelog/{entry_id}"): lambda: ([ChangelogEntry.objects.first().pk], {}),
    ("delete", "/api/v1/changelog/{entry_id}"): lambda: ([ChangelogEntry.objects.first().pk], {}),
    ("patch", "/api/v1/users/{user_id}"): lambda: (
        [User.objects.exclude(email=DEMO_EMAIL).first().pk],
        {},
    ),
    ("patch", "/api/v1/teams/{slug}"): lambda: ([Team.objects.first().slug], {}),
    ("patch", "/api/v1/pages/{page_id}"): lambda: _page_write(Page.objects.first()),
    ("patch", "/api/v1/playbooks/{key}"): lambda: ([Playbook.objects.first().slug], {}),
    ("put", "/api/v1/releases/{release_id}/playbooks"): lambda: (
        [_planned_release().pk],
        {"playbooks": []},
    ),
    ("put", "/api/v1/products/{key}/playbooks"): lambda: (
        [Product.objects.first().slug],
        {"playbooks": []},
    ),
    ("patch", "/api/v1/quality/suites/{suite_id}"): lambda: ([Suite.objects.first().pk], {}),
    ("patch", "/api/v1/quality/cases/{case_id}"): lambda: ([TestCase.objects.first().pk], {}),
    ("patch", "/api/v1/quality/plans/{plan_id}"): lambda: ([TestPlan.objects.first().pk], {}),
    ("patch", "/api/v1/quality/results/{result_id}"): lambda: (
        [TestResult.objects.first().pk],
        {},
    ),
    ("patch", "/api/v1/quality/defects/{defect_id}"): lambda: ([Defect.objects.first().pk], {}),
    ("put", "/api/v1/quality/releases/{release_id}/inspections/{checklist_id}"): lambda: (
        [Inspection.objects.first().release_id, Inspection.objects.first().checklist_id],
        {},
    ),
    ("patch", "/api/v1/comments/{comment_id}"): lambda: ([_own_comment().pk], {"body": "x"}),
    ("delete", "/api/v1/comments/{comment_id}"): lambda: ([_own_comment().pk], {}),
    ("put", "/api/v1/quality/products/{product}/gate"): lambda: (
        [Product.objects.first().slug],
        {},
    ),
    ("patch", "/api/v1/companies/{company_id}"): lambda: ([Company.objects.first().pk], {}),
    ("patch", "/api/v1/feedback/{feedback_id}"): lambda: ([Feedback.objects.first().pk], {}),
    ("patch", "/api/v1/features/{feature_id}/score"): lambda: (
        [FeatureScore.objects.first().feature_id],
        {},
    ),
    ("patch", "/api/v1/loop/messages/{message_id}"): lambda: ([_draft().pk], {}),
    ("patch", "/api/v1/meetings/series/{series_id}"): lambda: (
        [MeetingSeries.objects.first().pk],
        {},
    ),
    ("patch", "/api/v1/meetings/occurrences/{occurrence_id}"): lambda: (
        [Occurrence.objects.first().pk],
        {},
    ),
    ("patch", "/api/v1/meetings/items/{item_id}"): lambda: ([AgendaItem.objects.first().pk], {}),
    ("delete", "/api/v1/meetings/items/{item_id}"): lambda: ([AgendaItem.objects.first().pk], {}),
    ("patch", "/api/v1/meetings/decisions/{decision_id}"): lambda: (
        [Decision.objects.first().pk],
        {},
    ),
    ("patch", "/api/v1/meetings/actions/{action_id}"): lambda: (
        [ActionItem.objects.first().pk],
        {},
    ),
    ("patch", "/api/v1/training/courses/{course_id}"): lambda: ([Course.objects.first().pk], {}),
    ("patch", "/api/v1/training/lessons/{lesson_id}"): lambda: ([Lesson.objects.first().pk], {}),
    ("patch", "/api/v1/training/quizzes/{quiz_id}"): lambda: ([Quiz.objects.first().pk], {}),
    ("patch", "/api/v1/training/questions/{question_id}"): lambda: (
        [Question.objects.first().pk],
        {},
    ),
    ("delete", "/api/v1/training/lessons/{lesson_id}"): lambda: ([Lesson.objects.first().pk], {}),
    ("delete", "/api/v1/training/quizzes/{quiz_id}"): lambda: ([Quiz.objects.first().pk], {}),
    ("delete", "/api/v1/training/questions/{question_id}"): lambda: (
        [Question.objects.first().pk],
        {},
    ),
    ("put", "/api/v1/training/courses/{course_id}/certification"): lambda: (
        [Certification.objects.first().course_id],
        {"name": "x"},
    ),
    ("patch", "/api/v1/training/paths/{path_id}"): lambda: ([LearningPath.objects.first().pk], {}),
    ("patch", "/api/v1/training/enablements/{enablement_id}"): lambda: (
        [Enablement.objects.order_by("pk")[0].pk],
        {},
    ),
    ("put", "/api/v1/training/products/{product}/gate"): lambda: (
        [Product.objects.first().slug],
        {},
    ),
    ("patch", "/api/v1/research/surveys/{survey_id}"): lambda: ([Survey.objects.first().pk], {}),
    ("patch", "/api/v1/research/questions/{question_id}"): lambda: (
        [SurveyQuestion.objects.first().pk],
        {},
    ),
    ("delete", "/api/v1/research/questions/{question_id}"): lambda: (
        [SurveyQuestion.objects.first().pk],
        {},
    ),
    ("patch", "/api/v1/research/studies/{study_id}"): lambda: ([Study.objects.first().pk], {}),
    ("delete", "/api/v1/research/studies/{study_id}"): lambda: ([Study.objects.first().pk], {}),
    ("patch", "/api/v1/research/notes/{note_id}"): lambda: ([Note.objects.first().pk], {}),
    ("delete", "/api/v1/research/notes/{note_id}"): lambda: ([Note.objects.first().pk], {}),
    ("patch", "/api/v1/research/personas/{persona_id}"): lambda: (
        [Persona.objects.first().pk],
        {},
    ),
    ("delete", "/api/v1/research/personas/{persona_id}"): lambda: (
        [Persona.objects.first().pk],
        {},
    ),
    ("patch", "/api/v1/research/competitors/{competitor_id}"): lambda: (
        [Competitor.objects.first().pk],
        {},
    ),
    ("delete", "/api/v1/research/competitors/{competitor_id}"): lambda: (
        [Competitor.objects.first().pk],
        {},
    ),
    ("patch", "/api/v1/planning/objectives/{objective_id}"): lambda: (
        [Objective.objects.first().pk],
        {},
    ),
    ("patch", "/api/v1/planning/key-results/{key_result_id}"): lambda: (
        [KeyResult.objects.first().pk],
        {},
    ),
    ("delete", "/api/v1/planning/key-results/{key_result_id}"): lambda: (
        [KeyResult.objects.first().pk],
        {},
    ),
    ("patch", "/api/v1/webhooks/{webhook_id}"): lambda: ([Webhook.objects.first().pk], {}),
    ("delete", "/api/v1/webhooks/{webhook_id}"): lambda: ([Webhook.objects.first().pk], {}),
    ("put", "/api/v1/planning/products/{product}/standards"): lambda: (
        [Product.objects.first().slug],
        {"stages": {"beta": ["feature.owner"]}},
    ),
    ("patch", "/api/v1/features/{feature_id}/roadmap"): lambda: (
        [Feature.objects.first().pk],
        {"column": "later"},
    ),
    ("patch", "/api/v1/insights/views/{view_id}"): lambda: ([_own_view().pk], {"name": "x"}),
    ("delete", "/api/v1/insights/views/{view_id}"): lambda: ([_own_view().pk], {}),
    ("put", "/api/v1/insights/subscription"): lambda: ([], {"active": False}),
}
NOT_EDITS = {
    ("put", "/api/v1/notification-preferences"): "a person's own settings, set whole",
    ("delete", "/api/v1/follows"): "unfollowing removes a link, which has nothing to edit",
    ("delete", "/api/v1/tokens/{token_id}"): "revoking a token changes nothing anyone edits",
    ("delete", "/api/v1/feedback/{feedback_id}/links/{link_id}"): (
        "unlinking a quote removes a link, which has nothing to edit"
    ),
    ("delete", "/api/v1/research/highlights/{highlight_id}"): (
        "a highlight is kept or removed whole: it has nothing to edit"
    ),
    ("delete", "/api/v1/research/highlights/{highlight_id}/links/{feature_id}"): (
        "unlinking a highlight removes a link, which has nothing to edit"
    ),
    ("delete", "/api/v1/training/files/{file_id}"): (
        "a course's file is uploaded or removed whole: it has nothing to edit"
    ),
}


def _own_comment():
    return Comment.objects.filter(author__email=DEMO_EMAIL, deleted_at=None).order_by("pk")[0]


def _own_view():
    return SavedView.objects.filter(owner__email=DEMO_EMAIL).order_by("pk")[0]


def _planned_release():
    return Release.objects.filter(status=ReleaseStatus.PLANNED).order_by("pk")[0]


def _draft():
    return LoopMessage.objects.filter(status=LoopStatus.DRAFT).order_by("pk")[0]


def _page_write(page):
    return [page.pk], {"base_version": page.version}  # the text's own check passes


def _url_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern.url_patterns, inner)
        elif pattern.name:
            yield namespace + pattern.name


class _Forms(HTMLParser):
    """The fields each <form> of a page would submit, as a browser would."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "data": {}})
        elif not self.forms:
            return
        elif tag == "input" and a.get("name") and a.get("type") not in ("submit", "button"):
            checkable = a.get("type") in ("checkbox", "radio")
            if checkable and "checked" not in a:
                return
            value = a.get("value", "on" if checkable else "")
            self.forms[-1]["data"].setdefault(a["name"], []).append(value)
        elif tag == "select":
            self._select = a.get("name")
            self.forms[-1]["data"].setdefault(self._select, [])
        elif tag == "option" and self._select and "selected" in a:
            self.forms[-1]["data"][self._select].append(a.get("value", ""))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.forms[-1]["data"][self._textarea] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["data"][self._textarea][0] += data.lstrip("\n")


def _versioned_form(html: str) -> dict | None:
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if "edit_version" in form["data"] or "base_version" in form["data"]:
            return form
    return None


def test_every_edit_page_and_write_endpoint_is_listed(client):
    names = {n for n in _url_names(get_resolver().url_patterns) if EDIT_NAME.search(n)}
    names = {n for n in names if not n.startswith(("admin:", "api:"))}
    listed = set(EDIT_PAGES) | set(NOT_EDIT_PAGES)
    assert names - listed == set(), "list the new edit pages in EDIT_PAGES"
    assert listed - names == set(), "these pages are gone: take them off the lists"

    spec = client.get(reverse("api:openapi-json")).json()
    writes = {
        (method, path)
        for path, operations in spec["paths"].items()
        for method in operations
        if method in ("patch", "put", "delete")
    }
    listed = set(WRITES) | set(NOT_EDITS)
    assert writes - listed == set(), "list the new write endpoints in WRITES"
    assert listed - writes == set(), "these endpoints are gone: take them off the lists"
    for method, path in WRITES:
        operation = spec["paths"][path][method]
        assert "412" in operation["responses"], (method, path)
        headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        assert "If-Match" in headers, (method, path)


def _version_shown(client, url: str) -> tuple[int, dict | None]:
    page = client.get(url)
    return page.status_code, _versioned_form(page.content.decode())


def _shown(form: dict) -> dict:
    """What a form shows, but its CSRF token (masked anew on every page)."""
    return {k: v for k, v in form["data"].items() if k != "csrfmiddlewaretoken"}


def test_every_edit_page_refuses_a_stale_form_and_changes_nothing(demo):
    client = Client()
    client.force_login(demo.user)
    failures = []
    for name, find in EDIT_PAGES.items():
        url = reverse(name, args=find())
        status, form = _version_shown(client, url)
        if status != 200 or form is None:
            failures.append(f"{name}: {status}, no form carrying its version")
            continue
        data, before = form["data"], _shown(form)
        if "edit_version" in data:
            if not re.fullmatch(r"[0-9a-f]{16}", data["edit_version"][0]):
                failures.append(f"{name}: the form carries {data['edit_version']}")
            data["edit_version"] = [STALE]
        else:
            data["base_version"] = [str(int(data["base_version"][0]) - 1)]
        response = client.post(form["action"] or url, data)
        refused = any(text in response.content.decode() for text in REFUSED)
        if response.status_code not in (409, 422) or not refused:
            failures.append(f"{name}: a stale form answered {response.status_code}")
        if _shown(_version_shown(client, url)[1]) != before:
            failures.append(f"{name}: a stale form changed what the page shows")
    assert failures == []


def test_every_write_endpoint_refuses_a_stale_if_match_and_changes_nothing(demo):
    api = bearer_client(demo.user)
    failures = []
    for (method, path), find in WRITES.items():
        args, body = find()
        url = re.sub(r"\{[^}]+\}", lambda _m, it=iter(args): str(next(it)), path)
        before = api.get(url)
        if before.status_code != 200 or not re.fullmatch(r'"[0-9a-f]{16}"', before.get("ETag", "")):
            failures.append(f"GET {path}: {before.status_code}, ETag {before.get('ETag')!r}")
        send = getattr(api, method)
        response = send(url, body, content_type="application/json", HTTP_IF_MATCH=f'"{STALE}"')
        if response.status_code != 412:
            failures.append(f"{method.upper()} {path}: a stale If-Match got {response.status_code}")
        after = api.get(url)
        if (after.get("ETag"), after.content) != (before.get("ETag"), before.content):
            failures.append(f"{method.upper()} {path}: a stale If-Match changed the object")
    assert failures == []
