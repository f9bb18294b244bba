"""Reads of the research repository, permission-checked (every member reads): studies with
their notes and highlights, the research evidence of a feature, personas and the companies
they stand for, competitors and their mentions in feedback."""

import re

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from wavelength.accounts.permissions import require_member
from wavelength.core import search
from wavelength.feedback.models import Feedback, FeedbackLink

from ..models import Competitor, Highlight, Note, Persona, Study, StudyMethod, StudyStatus

__all__ = [
    "competitor_get",
    "competitor_list",
    "competitor_mentions",
    "company_personas",
    "company_studies",
    "feature_research",
    "highlight_get",
    "highlight_list",
    "highlights_of",
    "note_get",
    "notes_of",
    "persona_get",
    "persona_list",
    "study_get",
    "study_list",
]

MENTIONS = 50


def study_list(*, user, status: str = "", method: str = "") -> QuerySet[Study]:
    require_member(user)
    qs = Study.objects.select_related("product", "owner").annotate(
        note_count=Count("notes", distinct=True),
        participant_count=Count("participants", distinct=True),
    )
    if status in StudyStatus.values:
        qs = qs.filter(status=status)
    if method in StudyMethod.values:
        qs = qs.filter(method=method)
    return qs.order_by("-updated_at", "-id")


def study_get(*, user, pk: int) -> Study:
    require_member(user)
    qs = Study.objects.select_related("product", "owner").prefetch_related("participants__company")
    return get_object_or_404(qs, pk=pk)


def notes_of(study: Study) -> QuerySet[Note]:
    return (
        study.notes.select_related("participant__company")
        .annotate(highlight_count=Count("highlights"))
        .order_by("-taken_on", "-id")
    )


def note_get(*, user, pk: int) -> Note:
    require_member(user)
    return get_object_or_404(Note.objects.select_related("study", "participant__company"), pk=pk)


def _with_links(qs: QuerySet[Highlight]) -> QuerySet[Highlight]:
    links = FeedbackLink.objects.select_related("feature__product").order_by("feature__title")
    return qs.prefetch_related("tags", Prefetch("feedback__links", queryset=links))


def highlights_of(note: Note) -> list[Highlight]:
    return list(_with_links(note.highlights.select_related("feedback")).order_by("id"))


def highlight_get(*, user, pk: int) -> Highlight:
    require_member(user)
    qs = Highlight.objects.select_related("note__study", "note__participant__company", "feedback")
    return get_object_or_404(qs, pk=pk)


def highlight_list(*, user, tag: str = "", feature: int | None = None, study: int | None = None):
    """Highlights across studies, newest first; by tag, by linked feature or by study."""
    require_member(user)
    qs = Highlight.objects.select_related("note__study", "note__participant__company", "feedback")
    if tag:
        qs = qs.filter(tags__name=tag.strip().lower())
    if feature:
        qs = qs.filter(feedback__links__feature_id=feature)
    if study:
        qs = qs.filter(note__study_id=study)
    return _with_links(qs.distinct()).order_by("-created_at", "-id")


def feature_research(*, user, feature) -> list[Highlight]:
    """The feature page's "Research evidence": highlights linked to it, newest first."""
    require_member(user)
    qs = Highlight.objects.filter(feedback__links__feature=feature).select_related(
        "note__study", "note__participant__company"
    )
    return list(qs.prefetch_related("tags").distinct().order_by("-created_at", "-id")[:20])


# Personas ---------------------------------------------------------------------------------


def persona_list(*, user) -> QuerySet[Persona]:
    require_member(user)
    return Persona.objects.annotate(company_count=Count("companies")).order_by("name")


def persona_get(*, user, pk: int) -> Persona:
    require_member(user)
    companies = Prefetch("companies", queryset=_companies())
    return get_object_or_404(Persona.objects.prefetch_related(companies), pk=pk)


def _companies():
    from wavelength.feedback.models import Company

    return Company.objects.order_by("-arr", "name")


def company_studies(*, user, company) -> list[Study]:
    """The studies some of the company's people took part in (the company page's section)."""
    require_member(user)
    qs = Study.objects.filter(participants__company=company).select_related("owner")
    return list(qs.distinct().order_by("-updated_at", "-id")[:20])


def company_personas(*, user, company) -> list[Persona]:
    """The personas a company stands for, named or by its segment (the company page's section).
    Personas are few: two queries, the segment matched here rather than in JSON SQL."""
    require_member(user)
    named = set(Persona.companies.through.objects.filter(company=company).values_list(
        "persona_id", flat=True))  # fmt: skip
    return [
        p for p in Persona.objects.order_by("name")
        if p.pk in named or (company.segment and company.segment in p.segments)
    ]  # fmt: skip


# Competitors ------------------------------------------------------------------------------


def competitor_list(*, user) -> QuerySet[Competitor]:
    require_member(user)
    return Competitor.objects.order_by("name")


def competitor_get(*, user, pk: int) -> Competitor:
    require_member(user)
    return get_object_or_404(Competitor, pk=pk)


def _pattern(names: list[str]) -> re.Pattern:
    words = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE)


def competitor_mentions(*, user, competitor: Competitor, limit: int = MENTIONS) -> list[Feedback]:
    """Feedback naming the competitor (or one of its other names), newest first: found in the
    search index, then kept only where a name stands as whole words. A fixed number of
    queries: one search per name (at most 21) and one read of the items."""
    require_member(user)
    teams = search.teams_of(user)
    ids = set()
    for name in competitor.names:
        ids.update(
            h.object_id for h in search.query(name, kinds=["feedback"], limit=500, teams=teams)
        )
    pattern = _pattern(competitor.names)
    items = (
        Feedback.objects.filter(pk__in=ids, merged_into=None)
        .select_related("company", "contact")
        .order_by("-received_at", "-id")
    )
    return [f for f in items if pattern.search(f"{f.title} {f.text}")][:limit]
