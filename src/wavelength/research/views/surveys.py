"""Pages: the staff's surveys (build, send, results, CSV export) and the respondent's pages
under /s/ (public link, personal link, thanks, unsubscribe), branded like the portal, with no
account, rate-limited and guarded against bots; a refusal records nothing."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wavelength.accounts.permissions import require_editor
from wavelength.catalog.views.base import GET_POST
from wavelength.core.exceptions import DomainError
from wavelength.core.forms import form_status, submit
from wavelength.portal.services import portal_settings_get

from .. import selectors, services
from ..forms import (
    DistributionForm,
    FilterForm,
    QuestionForm,
    RespondForm,
    SurveyForm,
    question_initial,
    survey_initial,
)
from ..guard import rate_limited, too_many_message
from ..models import QuestionKind, SurveyStatus

PER_PAGE = 25


@login_required
def survey_list(request):
    status = request.GET.get("status", "")
    surveys = selectors.survey_list(user=request.user, status=status)
    page = Paginator(surveys, PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "status": status, "statuses": SurveyStatus.choices}
    return render(request, "research/survey_list.html", context)


@login_required
@GET_POST
def survey_create(request):
    require_editor(request.user)  # the form is for editors only, before anything is typed
    form = SurveyForm(request.POST or None, initial={"status": SurveyStatus.DRAFT})
    survey = submit(form, lambda: services.survey_create(actor=request.user, **form.values()))
    if survey:
        messages.success(request, _("Survey created: add its questions."))
        return redirect(survey)
    return render(request, "research/survey_form.html", {"form": form}, status=form_status(form))


@login_required
@GET_POST
def survey_edit(request, pk):
    survey = selectors.survey_get(user=request.user, pk=pk)
    require_editor(request.user)
    form = SurveyForm(request.POST or None, initial=survey_initial(survey)).versioned(survey)
    saved = submit(
        form,
        lambda: services.survey_update(
            actor=request.user, survey=survey, if_version=form.seen_version(), **form.values()
        ),
    )
    if saved:
        messages.success(request, _("Survey saved."))
        return redirect(saved)
    context = {"form": form, "survey": survey}
    return render(request, "research/survey_form.html", context, status=form_status(form))


def _detail_context(request, survey, **forms):
    return {
        "survey": survey,
        "questions": selectors.questions_of(survey),
        "distributions": selectors.distributions_of(survey),
        "question_form": forms.get("question_form")
        or QuestionForm(survey=survey, prefix="question", initial={"kind": QuestionKind.NPS}),
        "public_url": request.build_absolute_uri(
            reverse("research:survey-public", args=[survey.public_token])
        ),
        "refusal": services.survey_refusal(survey),
    }


@login_required
def survey_detail(request, pk):
    survey = selectors.survey_get(user=request.user, pk=pk)
    return render(request, "research/survey_detail.html", _detail_context(request, survey))


@login_required
@require_POST
def survey_status(request, pk):
    survey = selectors.survey_get(user=request.user, pk=pk)
    try:
        services.survey_update(
            actor=request.user, survey=survey, status=request.POST.get("status", "")
        )
        messages.success(request, _("Survey status changed."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(survey)


@login_required
@require_POST
def question_add(request, pk):
    survey = selectors.survey_get(user=request.user, pk=pk)
    form = QuestionForm(request.POST, survey=survey, prefix="question")
    done = submit(
        form, lambda: services.question_add(actor=request.user, survey=survey, **form.values())
    )
    if done:
        return redirect(survey.get_absolute_url() + "#questions")
    context = _detail_context(request, survey, question_form=form)
    return render(request, "research/survey_detail.html", context, status=form_status(form))


@login_required
@GET_POST
def question_edit(request, pk):
    question = selectors.question_get(user=request.user, pk=pk)
    require_editor(request.user)
    survey = question.survey
    form = QuestionForm(
        request.POST or None, survey=survey, initial=question_initial(question)
    ).versioned(question)
    form.fields["show_if"].queryset = survey.questions.exclude(pk=question.pk)
    saved = submit(
        form,
        lambda: services.question_update(
            actor=request.user, question=question, if_version=form.seen_version(), **form.values()
        ),
    )
    if saved:
        messages.success(request, _("Question saved."))
        return redirect(survey.get_absolute_url() + "#questions")
    context = {"form": form, "question": question, "survey": survey}
    return render(request, "research/question_form.html", context, status=form_status(form))


@login_required
@require_POST
def question_delete(request, pk):
    question = selectors.question_get(user=request.user, pk=pk)
    try:
        services.question_delete(actor=request.user, question=question)
        messages.success(request, _("Question removed."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(question.survey.get_absolute_url() + "#questions")


@login_required
@GET_POST
def survey_distribute(request, pk):
    survey = selectors.survey_get(user=request.user, pk=pk)
    require_editor(request.user)
    form = DistributionForm(request.POST or None, initial={"audience": "segment", "language": "en"})
    done = submit(
        form,
        lambda: services.distribution_create(
            actor=request.user, survey=survey, **form.cleaned_data
        ),
    )
    if done:
        messages.success(
            request,
            _("%(n)d people invited; their e-mails are on their way.") % {"n": done.invited},
        )
        return redirect(survey)
    context = {"form": form, "survey": survey}
    return render(request, "research/distribute.html", context, status=form_status(form))


@login_required
@require_POST
def survey_remind(request, pk):
    survey = selectors.survey_get(user=request.user, pk=pk)
    try:
        due = services.survey_remind(actor=request.user, survey=survey)
        messages.success(request, _("%(n)d reminders are on their way.") % {"n": due})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(survey)


def _filters(request) -> tuple[FilterForm, selectors.Filters]:
    form = FilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    return form, selectors.Filters(**{k: v for k, v in values.items() if v})


@login_required
def survey_results(request, pk):
    survey = selectors.survey_get(user=request.user, pk=pk)
    form, filters = _filters(request)
    results = selectors.results(user=request.user, survey=survey, filters=filters)
    responses = selectors.response_list(user=request.user, survey=survey, filters=filters)
    context = {
        "survey": survey,
        "results": results,
        "filter_form": form,
        "charts": _charts(results),
        "page": Paginator(responses, PER_PAGE).get_page(request.GET.get("page")),
    }
    return render(request, "research/results.html", context)


def _charts(results) -> dict:
    """The JSON the page's Chart.js canvases read (see app.js, data-chart)."""
    charts = {}
    if results.distribution:
        charts["distribution"] = {
            "type": "bar",
            "axis": "x",
            "label": _("Responses"),
            "labels": list(results.distribution),
            "values": list(results.distribution.values()),
        }
    if results.trend:
        nps = results.headline.kind == QuestionKind.NPS
        values = [
            round(r["nps"].score, 1) if nps else round(r["average"], 2) for r in results.trend
        ]
        charts["trend"] = {
            "type": "line",
            "axis": "x",
            "label": _("Score"),
            "labels": [r["month"].strftime("%Y-%m") for r in results.trend],
            "values": values,
        }
    return charts


class _Echo:
    def write(self, value):
        return value


@login_required
def survey_export(request, pk):
    """Every response (filtered like the results page), one row each, one column a question."""
    survey = selectors.survey_get(user=request.user, pk=pk)
    _form, filters = _filters(request)
    questions = selectors.questions_of(survey)
    responses = selectors.response_list(user=request.user, survey=survey, filters=filters)
    writer = csv.writer(_Echo())

    def rows():
        header = ["submitted_at", "language", "segment", "company", "email", "score"]
        yield writer.writerow(header + [f"q{q.position}: {q.text}" for q in questions])
        for response in responses.iterator(chunk_size=2000):
            by_question = {a.question_id: a for a in response.answers.all()}
            cells = [
                response.submitted_at.isoformat(),
                response.language,
                response.segment,
                response.company.name if response.company else "",
                response.contact.email if response.contact else "",
                "" if response.score is None else response.score,
            ]
            yield writer.writerow(cells + [_cell(by_question.get(q.pk)) for q in questions])

    out = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    out["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}.csv"'
    return out


def _cell(answer) -> str:
    if answer is None:
        return ""
    if answer.number is not None:
        return f"{answer.number} {answer.text}".strip()
    if answer.choices:
        return "; ".join(answer.choices)
    return answer.text


# The respondent's pages ------------------------------------------------------------------


def _brand(request, template, context, status=200):
    context = {"portal": portal_settings_get(), **context}
    return render(request, template, context, status=status)


def _respond(request, survey, invitation=None):
    language = invitation.language if invitation else translation.get_language()
    with translation.override(language):
        questions = selectors.questions_of(survey)
        form = RespondForm(request.POST or None, questions=questions)
        context = {
            "survey": survey,
            "form": form,
            "questions": questions,
            "refusal": services.survey_refusal(survey),
            "errors": {},
            "posted": request.POST,
        }
        if invitation is not None and invitation.responded_at is not None:
            context["refusal"] = _(
                "This personal link has already been used to answer the survey. Thank you!"
            )
        if context["refusal"]:
            return _brand(
                request,
                "research/respond.html",
                context,
                status=409 if request.method == "POST" else 200,
            )
        if request.method != "POST":
            return _brand(request, "research/respond.html", context)
        if rate_limited(request):
            context["refusal"] = too_many_message()
            return _brand(request, "research/respond.html", context, status=429)
        if form.is_valid():
            try:
                services.response_submit(
                    survey=survey, answers=form.answers(), invitation=invitation, language=language
                )
                return _brand(request, "research/thanks.html", {"survey": survey})
            except DomainError as exc:
                context["errors"] = exc.errors
                if exc.status_code == 409:
                    context["refusal"] = exc.message
                    return _brand(request, "research/respond.html", context, status=409)
        return _brand(request, "research/respond.html", context, status=422)


@GET_POST
def survey_public(request, token):
    return _respond(request, selectors.public_survey(token))


@GET_POST
def survey_personal(request, token):
    invitation = selectors.invitation_for(token)
    return _respond(request, invitation.survey, invitation)


@GET_POST
def survey_unsubscribe(request, token):
    try:
        contact = services.unsubscribe_contact(token)
    except DomainError as exc:
        return _brand(request, "research/unsubscribe.html", {"refusal": exc.message}, 404)
    done = False
    if request.method == "POST":
        services.survey_unsubscribe(token=token)
        done = True
    return _brand(request, "research/unsubscribe.html", {"contact": contact, "done": done})
