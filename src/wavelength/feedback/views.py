"""Customer and feedback pages: the customer list and page, the triage inbox with its bulk
actions, an item's page (triage, links, quotes) and the new-feedback form.

Views parse, call one selector or service and render; the inbox's htmx requests get the
results fragment. A DomainError lands on the form field it names (422, nothing written);
PermissionDenied from a service becomes Django's 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from wavelength.accounts.permissions import require_editor
from wavelength.catalog.sections import render_sections
from wavelength.catalog.selectors import history_for
from wavelength.catalog.views.base import render_page, timeline_page
from wavelength.core.exceptions import DomainError
from wavelength.core.forms import form_status, submit
from wavelength.core.pagecache import cached_page
from wavelength.core.paging import capped_page

from . import discovery, selectors, services, triage
from .forms import (
    BulkForm,
    CompanyFilterForm,
    CompanyForm,
    CompanyMergeForm,
    ContactForm,
    FeedbackFilterForm,
    FeedbackForm,
    LinkForm,
    ThemeForm,
    TriageForm,
)
from .models import FeedbackMerge

PER_PAGE = 50
GET_POST = require_http_methods(["GET", "POST"])
TIMELINE = {"timeline": "catalog/_timeline.html"}


def _page(request, queryset, per_page=PER_PAGE, param="page"):
    return Paginator(queryset, per_page).get_page(request.GET.get(param))


# Customers --------------------------------------------------------------------------------


@login_required
def company_list(request):
    form = CompanyFilterForm(request.GET or None)
    companies = selectors.company_list(user=request.user, filters=form.to_filter())
    context = {"filter_form": form, "page": _page(request, companies)}
    template = "feedback/company_list.html"
    if request.htmx and request.htmx.target == "company-results":
        template = "feedback/_company_results.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@login_required
@GET_POST
def company_create(request):
    require_editor(request.user)
    form = CompanyForm(request.POST or None)
    company = submit(
        form, lambda: services.company_create(actor=request.user, **form.service_kwargs())
    )
    if company:
        messages.success(request, _("Customer “%(name)s” created.") % {"name": company.name})
        return redirect(company)
    context = {"form": form, "company": None}
    return render(request, "feedback/company_form.html", context, status=form_status(form))


@login_required
@GET_POST
def company_edit(request, pk):
    require_editor(request.user)
    company = selectors.company_get(user=request.user, pk=pk)
    form = CompanyForm(request.POST or None, initial=CompanyForm.initial_for(company)).versioned(
        company
    )
    saved = submit(
        form,
        lambda: services.company_update(
            actor=request.user,
            company=company,
            if_version=form.seen_version(),
            **form.service_kwargs(),
        ),
    )
    if saved:
        messages.success(request, _("Customer saved."))
        return redirect(saved)
    context = {"form": form, "company": company}
    return render(request, "feedback/company_form.html", context, status=form_status(form))


@login_required
@GET_POST
def company_detail(request, pk):
    """The customer: details, contacts, the features it asked for and all it said."""
    company = selectors.company_get(user=request.user, pk=pk)
    contact_form = ContactForm(request.POST or None)
    if request.method == "POST":
        require_editor(request.user)
        contact = submit(
            contact_form,
            lambda: services.contact_create(
                actor=request.user, company=company, **contact_form.cleaned_data
            ),
        )
        if contact:
            messages.success(request, _("Contact %(email)s added.") % {"email": contact.email})
            return redirect(company)
    feedback = selectors.company_feedback(user=request.user, company=company)
    likely = []
    if company.merged_into_id is None:
        likely = selectors.company_likely_duplicates(user=request.user, company=company)
    context = {
        "company": company,
        "likely_duplicates": likely,
        "merges": selectors.company_merges(user=request.user, company=company),
        "merged_by": company.merges_made.filter(undone_at=None).first()
        if company.merged_into_id
        else None,
        "merge_form": CompanyMergeForm(company=company),
        "contacts": selectors.contact_list(user=request.user, company=company),
        "features": selectors.company_features(user=request.user, company=company),
        "page": _page(request, feedback, 20),
        "contact_form": contact_form,
        "sections": render_sections("company", user=request.user, obj=company),
        **timeline_page(request, history_for(user=request.user, obj=company)),
    }
    return render_page(
        request,
        "feedback/company_detail.html",
        context,
        fragments=TIMELINE,
        status=form_status(contact_form),
    )


@login_required
@require_POST
def company_merge(request, pk):
    """Fold the company posted as ``source`` into this one."""
    require_editor(request.user)
    company = selectors.company_get(user=request.user, pk=pk)
    form = CompanyMergeForm(request.POST, company=company)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("source", [])))
        return redirect(company)
    source = form.cleaned_data["source"]
    try:
        services.company_merge(actor=request.user, target=company, source=source)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("“%(name)s” was merged into this company.") % {"name": source.name}
        )
    return redirect(company)


@login_required
@require_POST
def company_merge_undo(request, pk):
    require_editor(request.user)
    merge = selectors.company_merge_get(user=request.user, pk=pk)
    try:
        services.company_merge_undo(actor=request.user, merge=merge)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The merge was undone: “%(name)s” is its own company again.")
            % {"name": merge.source.name},
        )  # fmt: skip
    return redirect(merge.target)


# Inbox ------------------------------------------------------------------------------------


def _inbox_context(request, filter_form, bulk_form=None) -> dict:
    items = selectors.feedback_list(user=request.user, filters=filter_form.to_filter())
    return {
        "filter_form": filter_form,
        "page": capped_page(request, items, PER_PAGE),
        "themes": selectors.theme_list(user=request.user),
        "bulk_form": bulk_form or BulkForm(),
        "bulk_features": _bulk_features(request),
        "query": request.GET.urlencode(),
        "theme_form": ThemeForm(),
    }


@login_required
@cached_page
def feedback_list(request):
    """The triage inbox: filters, full-text search, bulk actions and keyboard shortcuts."""
    form = FeedbackFilterForm(request.GET or None)
    context = _inbox_context(request, form)
    template = "feedback/feedback_list.html"
    if request.htmx and request.htmx.target == "feedback-results":
        template = "feedback/_feedback_results.html"
    response = render(request, template, context, status=form_status(form))
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def _bulk_features(request) -> list:
    """Features for the bulk bar's "Link to a feature": for an editor only, a few."""
    if not request.user.can_edit:
        return []
    return selectors.feature_options(user=request.user)


@login_required
def bulk_feature_options(request):
    """The bulk bar's feature list for the words typed in its search box (htmx)."""
    require_editor(request.user)
    features = selectors.feature_options(user=request.user, q=request.GET.get("feature_q", ""))
    return render(request, "feedback/_bulk_feature_options.html", {"bulk_features": features})


def _bulk_done_message(form, done) -> str:
    n = len(done)
    if form.cleaned_data["action"] == "link":
        feature = form.cleaned_data["feature"].title
        text = ngettext(
            "%(n)d item linked to “%(feature)s”.", "%(n)d items linked to “%(feature)s”.", n
        )
        return text % {"n": n, "feature": feature}
    return ngettext("%(n)d item updated.", "%(n)d items updated.", n) % {"n": n}


@login_required
@require_POST
def feedback_bulk(request):
    """Apply a bulk action to the checked items, then show the inbox again (same filters).
    A refused action shows the inbox with the reason (422) and changes nothing."""
    require_editor(request.user)
    form = BulkForm(request.POST)
    done = submit(
        form, lambda: services.feedback_bulk_update(actor=request.user, **form.service_kwargs())
    )
    if done is not None:
        messages.success(request, _bulk_done_message(form, done))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        context = _inbox_context(request, FeedbackFilterForm(request.GET or None), form)
        template = (
            "feedback/_feedback_results.html" if request.htmx else "feedback/feedback_list.html"
        )
        return render(request, template, context, status=422)
    if request.htmx:
        context = _inbox_context(request, FeedbackFilterForm(request.GET or None), form)
        return render(request, "feedback/_feedback_results.html", context)
    query = request.GET.urlencode()
    return redirect(reverse("feedback:feedback-list") + (f"?{query}" if query else ""))


@login_required
@require_POST
def theme_create(request):
    require_editor(request.user)
    form = ThemeForm(request.POST)
    theme = submit(form, lambda: services.theme_create(actor=request.user, **form.cleaned_data))
    if theme:
        messages.success(request, _("Theme “%(name)s” created.") % {"name": theme.name})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("feedback:feedback-list")


@login_required
@GET_POST
def feedback_create(request):
    require_editor(request.user)
    # A company chosen on the form (?company=, htmx) lists its contacts to pick from.
    form = FeedbackForm(request.POST or None, initial={"company": request.GET.get("company")})
    item = submit(form, lambda: services.feedback_create(actor=request.user, **form.cleaned_data))
    if item:
        messages.success(request, _("Feedback recorded."))
        return redirect(item)
    return render(request, "feedback/feedback_form.html", {"form": form}, status=form_status(form))


# One item ---------------------------------------------------------------------------------


def _item_context(request, item, triage_form=None, link_form=None) -> dict:
    return {
        "item": item,
        "why": triage.explain(item),
        "suggested": triage.suggested_features(item),
        "duplicates": [d for d in triage.likely_duplicates(item) if not d.feedback.merged_into_id],
        "merges": item.merges_received.filter(undone_at=None).select_related(
            "duplicate__company", "duplicate__contact"
        ),
        "links": selectors.links_for_feedback(user=request.user, feedback=item),
        "triage_form": triage_form
        or TriageForm(initial=TriageForm.initial_for(item)).versioned(item),
        "link_form": link_form or LinkForm(),
        "back": request.GET.get("back", ""),
    }


@login_required
@GET_POST
def feedback_detail(request, pk):
    """One item: its text (select a sentence to quote it), triage fields and feature links."""
    item = selectors.feedback_get(user=request.user, pk=pk)
    form = None
    if request.method == "POST":
        require_editor(request.user)
        form = TriageForm(request.POST, initial=TriageForm.initial_for(item)).versioned(item)
        saved = submit(
            form,
            lambda: services.feedback_update(
                actor=request.user,
                feedback=item,
                if_version=form.seen_version(),
                **form.service_kwargs(),
            ),
        )
        if saved:
            messages.success(request, _("Feedback saved."))
            return redirect(saved)
    context = _item_context(request, item, triage_form=form)
    context.update(timeline_page(request, history_for(user=request.user, obj=item)))
    return render_page(
        request,
        "feedback/feedback_detail.html",
        context,
        fragments=TIMELINE,
        status=form_status(*[form] if form else []),
    )


@login_required
@require_POST
def feedback_link(request, pk):
    require_editor(request.user)
    item = selectors.feedback_get(user=request.user, pk=pk)
    form = LinkForm(request.POST)
    link = submit(
        form, lambda: services.feedback_link(actor=request.user, feedback=item, **form.cleaned_data)
    )
    if link:
        messages.success(request, _("Linked to “%(feature)s”.") % {"feature": link.feature.title})
        return redirect(item)
    context = _item_context(request, item, link_form=form)
    return render(request, "feedback/feedback_detail.html", context, status=422)


@login_required
@require_POST
def feedback_unlink(request, pk, link_pk):
    require_editor(request.user)
    link = selectors.link_get(user=request.user, pk=link_pk)
    if link.feedback_id != pk:
        return redirect("feedback:feedback-detail", pk=pk)
    services.feedback_unlink(actor=request.user, link=link)
    messages.success(request, _("Link removed."))
    return redirect("feedback:feedback-detail", pk=pk)


# Duplicates ---------------------------------------------------------------------------------


@login_required
@require_POST
def feedback_merge(request, pk):
    require_editor(request.user)
    survivor = selectors.feedback_get(user=request.user, pk=pk)
    key = request.POST.get("duplicate", "")
    duplicate = selectors.feedback_get(user=request.user, pk=int(key) if key.isdigit() else 0)
    try:
        services.feedback_merge(actor=request.user, survivor=survivor, duplicate=duplicate)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The duplicate was merged into this item."))
    return redirect(survivor)


@login_required
@require_POST
def feedback_merge_undo(request, pk):
    require_editor(request.user)
    merge = get_object_or_404(FeedbackMerge.objects.select_related("survivor"), pk=pk)
    try:
        services.feedback_merge_undo(actor=request.user, merge=merge)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The merge was undone."))
    return redirect(merge.survivor)


# Discovered themes --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def theme_discover(request):
    """GET: the proposals. POST: adopt one (name it, file its items under it)."""
    error = None
    if request.method == "POST":
        require_editor(request.user)
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
        try:
            theme, count = services.theme_adopt(
                actor=request.user, name=request.POST.get("name", ""), feedback_ids=ids
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d item filed under “%(theme)s”.",
                    "%(count)d items filed under “%(theme)s”.",
                    count,
                )
                % {"count": count, "theme": theme.name},
            )
            return redirect("feedback:theme-discover")
    context = {"proposals": discovery.theme_proposals(user=request.user), "error": error}
    return render(request, "feedback/theme_discover.html", context, status=422 if error else 200)
