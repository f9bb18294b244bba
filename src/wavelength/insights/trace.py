"""The trace of one feature, from the evidence to the measured outcome: who asked (and their
revenue), the best quotes, its scores, the decisions about it, its place on the roadmap, the
releases that shipped it with their gate verdicts, the tests and open defects, the pages about
it, the training, the customers told and the survey results after it shipped.

Each part is read through its app's selector, with the reader's permissions: a page in a
team-only space they cannot read, or another person's training progress, is not in their
trace. The same trace renders as a page, as JSON and as Markdown (``trace_markdown``).
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.template.loader import render_to_string

from wavelength.catalog.models import Feature, Release
from wavelength.catalog.selectors import feature_get
from wavelength.core.models import Activity
from wavelength.feedback.selectors import Demand, companies_asking, feature_demand
from wavelength.knowledge.selectors import pages_about_feature
from wavelength.meetings.selectors import decisions_for_feature
from wavelength.outreach.models import LoopStatus
from wavelength.outreach.selectors import loop_messages_by_company
from wavelength.planning.selectors import feature_planning
from wavelength.prioritisation.selectors import FeatureScores, feature_scores
from wavelength.quality.selectors import feature_cases, feature_defects
from wavelength.research.selectors import feature_outcome
from wavelength.training.access import progress_scope, readable_courses
from wavelength.training.models import Assignment

COMPANIES = 20


@dataclass
class ShippedRelease:
    release: Release
    verdicts: list[dict] = field(default_factory=list)  # as the gate answered when it shipped
    override_reason: str = ""

    @property
    def passed(self) -> bool | None:
        if not self.verdicts:
            return None
        return all(v.get("ok") for v in self.verdicts)


@dataclass
class Told:
    company: str
    contact: str
    sent_at: object


@dataclass
class Trace:
    feature: Feature
    demand: Demand
    companies: list
    scores: FeatureScores
    decisions: list
    planning: object
    releases: list[ShippedRelease]
    cases: list
    defects: list
    pages: list
    courses: list
    told: list[Told]
    drafts: int
    outcome: list[dict]

    @property
    def passed_cases(self) -> int:
        return sum(1 for c in self.cases if c.last_status == "passed")


def _releases(feature: Feature) -> list[ShippedRelease]:
    releases = list(feature.releases.select_related("product").order_by("-released_on", "-pk"))
    verdicts: dict[int, dict] = {}
    activities = Activity.objects.filter(
        target_type=ContentType.objects.get_for_model(Release),
        target_id__in=[r.pk for r in releases],
        verb="released",
    ).order_by("target_id", "-created_at")
    for target_id, payload in activities.values_list("target_id", "payload"):
        verdicts.setdefault(target_id, payload)
    out = []
    for release in releases:
        payload = verdicts.get(release.pk, {})
        out.append(ShippedRelease(release, payload.get("gate") or [],
                                  payload.get("override_reason") or ""))  # fmt: skip
    return out


def _courses(*, user, feature: Feature) -> list:
    """Courses about the feature the reader may read, with the completion of the assignments
    whose progress the reader may see."""
    courses = list(readable_courses(user).filter(features=feature).order_by("title"))
    counts = {
        row["course_id"]: row
        for row in Assignment.objects.filter(progress_scope(user), course__in=courses)
        .order_by()
        .values("course_id")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(completed_at__isnull=False)))
    }
    for course in courses:
        row = counts.get(course.pk, {"total": 0, "done": 0})
        course.assigned, course.completed = row["total"], row["done"]
    return courses


def _told(*, user, feature: Feature) -> tuple[list[Told], int]:
    told, drafts = [], 0
    for group in loop_messages_by_company(user=user, feature=feature):
        for message in group.messages:
            if message.status == LoopStatus.SENT:
                company = group.company.name if group.company else ""
                told.append(Told(company, str(message.contact), message.sent_at))
            elif message.status == LoopStatus.DRAFT:
                drafts += 1
    return told, drafts


def feature_trace(*, user, pk: int) -> Trace:
    """The whole chain of one feature, as ``user`` may see it."""
    feature = feature_get(user=user, pk=pk)
    told, drafts = _told(user=user, feature=feature)
    planning = feature_planning(user=user, feature=feature)
    return Trace(
        feature=feature,
        demand=feature_demand(user=user, feature=feature),
        companies=companies_asking(user=user, feature=feature)[:COMPANIES],
        scores=feature_scores(user=user, feature=feature),
        decisions=decisions_for_feature(user=user, feature=feature),
        planning=planning[0] if planning else None,
        releases=_releases(feature),
        cases=feature_cases(user=user, feature=feature),
        defects=feature_defects(user=user, feature=feature),
        pages=list(pages_about_feature(user=user, feature=feature)[:50]),
        courses=_courses(user=user, feature=feature),
        told=told,
        drafts=drafts,
        outcome=feature_outcome(user=user, feature=feature),
    )


def trace_markdown(trace: Trace, *, site: str) -> str:
    """The trace as a Markdown document (an audit report), in the active language."""
    return render_to_string("insights/trace.md", {"trace": trace, "site": site.rstrip("/")})


PDF_STYLE = """
@page { size: A4; margin: 18mm 16mm; @bottom-right { content: counter(page) " / " counter(pages);
  font-size: 8pt; color: #666; } }
body { font-family: sans-serif; font-size: 10pt; line-height: 1.4; color: #111; }
h1 { font-size: 17pt; margin: 0 0 4pt; } h2 { font-size: 12.5pt; margin: 14pt 0 4pt;
  border-bottom: 0.5pt solid #ccc; } blockquote { margin: 4pt 0 4pt 10pt; color: #444; }
a { color: #3730a3; text-decoration: none; } ul { padding-left: 14pt; }
"""


class PdfFetchRefused(ValueError):
    pass


def _refuse(url: str):
    """Nothing in a trace is fetched: no image, font or style from anywhere (user Markdown may
    name any address); the document's own style is inline."""
    raise PdfFetchRefused(f"The trace PDF does not fetch {url[:80]}")


def _no_fetching():
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):
        def fetch(self, url, headers=None):
            return _refuse(url)

    return NoFetching()


def trace_pdf(trace: Trace, *, site: str) -> bytes:
    """The Markdown report as a PDF (A4, page numbers), in the active language."""
    from django.utils.html import escape
    from django.utils.translation import get_language
    from weasyprint import CSS, HTML  # imported here: the command line starts without it

    from wavelength.core.markdown import render

    body = render(trace_markdown(trace, site=site))
    html = (f'<!doctype html><html lang="{escape(get_language() or "en")}"><head>'
            f'<meta charset="utf-8"><title>{escape(trace.feature.title)}</title></head>'
            f"<body>{body}</body></html>")  # fmt: skip
    fetcher = _no_fetching()
    document = HTML(string=html, base_url=None, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[CSS(string=PDF_STYLE, url_fetcher=fetcher)])


def _when(value) -> str | None:
    return value.isoformat() if value else None


def trace_json(trace: Trace) -> dict:
    """The trace as plain data (the API)."""
    f, d = trace.feature, trace.demand
    return {
        "feature": {"id": f.pk, "title": f.title, "product": f.product.slug, "stage": f.stage},
        "evidence": {
            "feedback_count": d.feedback_count, "votes": d.votes,
            "unique_companies": d.unique_companies, "revenue": str(d.revenue),
            "companies": [{"id": c.pk, "name": c.name, "arr": str(c.arr)}
                          for c in trace.companies],
            "quotes": [{"text": q.text, "company": q.company, "feedback": q.feedback_id,
                        "received_at": _when(q.received_at)} for q in d.top_quotes],
        },
        "scores": {
            "rice": str(trace.scores.rice.value) if trace.scores.rice.value is not None else None,
            "value_effort": (str(trace.scores.value_effort.value)
                             if trace.scores.value_effort.value is not None else None),
        },
        "roadmap_column": trace.planning.column if trace.planning else None,
        "objectives": [o.pk for o in trace.planning.objectives] if trace.planning else [],
        "decisions": [{"id": x.pk, "title": x.title} for x in trace.decisions],
        "releases": [{"id": r.release.pk, "version": r.release.version,
                      "status": r.release.status, "released_on": _when(r.release.released_on),
                      "gate": r.verdicts, "gate_passed": r.passed,
                      "override_reason": r.override_reason} for r in trace.releases],
        "tests": [{"id": c.pk, "title": c.title, "last_status": c.last_status}
                  for c in trace.cases],
        "open_defects": [{"id": x.pk, "key": x.key, "title": x.title, "severity": x.severity}
                         for x in trace.defects],
        "pages": [{"id": p.pk, "title": p.title, "status": p.status,
                   "stale": bool(p.stale_since)} for p in trace.pages],
        "training": [{"id": c.pk, "title": c.title, "assigned": c.assigned,
                      "completed": c.completed} for c in trace.courses],
        "customers_told": [{"company": t.company, "contact": t.contact,
                            "sent_at": _when(t.sent_at)} for t in trace.told],
        "drafts": trace.drafts,
        "outcome": [{"survey": o["survey"].pk, "title": o["survey"].title, "kind": o["kind"],
                     "responses": o["n"],
                     "nps": o["nps"].score if o.get("nps") else None,
                     "average": o["average"]} for o in trace.outcome],
    }  # fmt: skip
