"""The public portal's pages: ideas, an idea (vote, comment, subscribe), new idea, sign-in by
e-mail link, roadmap and changelog. No staff sign-in is involved: a visitor who opened a
sign-in link carries their e-mail in the session under ``SESSION_KEY``.

When the portal is off, every page is a 404. Writes are rate limited (429) and guarded
against bots (400); a refusal writes nothing.
"""

import functools

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wavelength.core.exceptions import DomainError

from .. import selectors, services
from ..forms import CommentForm, IdeaFilterForm, IdeaSubmitForm, SignInForm, SubscribeForm, VoteForm
from ..guard import rate_limited
from ..services import portal_settings_get

SESSION_KEY = "portal_email"
PER_PAGE = 20


def portal_page(view):
    """The portal's settings and the visitor's e-mail on the request; 404 when it is off."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        portal = portal_settings_get()
        if not portal.enabled:
            raise Http404
        request.portal = portal
        request.portal_email = request.session.get(SESSION_KEY, "")
        return view(request, *args, **kwargs)

    return wrapper


def _render(request, template, context=None, status=200):
    context = {"portal": request.portal, "visitor": request.portal_email, **(context or {})}
    return render(request, template, context, status=status)


def _refuse(request, message, status):
    return _render(request, "portal/refused.html", {"message": message}, status=status)


def _too_many(request):
    return _refuse(
        request, _("Too many attempts from you in a short time. Please wait a minute."), 429
    )


def _base_url(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


# Ideas ------------------------------------------------------------------------------------


@portal_page
@require_GET
def idea_list(request):
    form = IdeaFilterForm(request.GET or None, products=selectors.portal_products())
    ideas = selectors.idea_list(**form.filters())
    context = {
        "filter_form": form,
        "page": Paginator(ideas, PER_PAGE).get_page(request.GET.get("page")),
        "voted": selectors.voted_idea_ids(email=request.portal_email),
        "sort": form.filters().get("sort", "votes"),
    }
    return _render(request, "portal/idea_list.html", context)


def _idea_context(request, idea, **forms):
    column = selectors.roadmap_column(idea.feature.stage)
    return {
        "idea": idea,
        "column": column,
        "column_label": selectors.roadmap_column_label(column) if column else "",
        "comments": idea.comments.all(),
        "voted": idea.pk in selectors.voted_idea_ids(email=request.portal_email),
        "subscribed": selectors.is_subscribed(idea=idea, email=request.portal_email),
        "vote_form": forms.get("vote_form") or VoteForm(),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "subscribe_form": SubscribeForm(),
    }


@portal_page
@require_GET
def idea_detail(request, pk):
    idea = selectors.idea_get(pk)
    return _render(request, "portal/idea_detail.html", _idea_context(request, idea))


@portal_page
@require_POST
def idea_vote(request, pk):
    idea = selectors.idea_get(pk)
    form = VoteForm(request.POST)
    email = request.portal_email or request.POST.get("email", "")
    if rate_limited(request, "vote", email):
        return _too_many(request)
    if not form.is_valid():
        return _bad_form(request, idea, form, "vote_form")
    if not email:
        form.add_error("email", _("Enter your e-mail so we can confirm your vote."))
        return _bad_form(request, idea, form, "vote_form")
    try:
        vote = services.portal_vote_cast(
            idea=idea,
            email=email,
            name=form.cleaned_data["name"],
            verified=bool(request.portal_email),
            base_url=_base_url(request),
        )
    except DomainError as exc:
        return _refuse(request, exc.message, 422)
    if vote.verified_at:
        messages.success(request, _("Thanks, your vote is counted."))
    else:
        message = _("Almost there: open the link we sent to %(email)s to confirm your vote.")
        messages.info(request, message % {"email": email})
    return redirect("portal:idea-detail", pk=idea.pk)


def _bad_form(request, idea, form, name):
    status = 400 if form.non_field_errors() else 422
    return _render(
        request, "portal/idea_detail.html", _idea_context(request, idea, **{name: form}), status
    )


@portal_page
@require_GET
def vote_confirm(request, token):
    try:
        vote = services.portal_vote_confirm(token=token)
    except DomainError as exc:
        return _refuse(request, exc.message, 400)
    request.session[SESSION_KEY] = vote.contact.email
    messages.success(request, _("Your vote is confirmed. Thank you!"))
    return redirect("portal:idea-detail", pk=vote.idea_id)


@portal_page
@require_POST
def idea_comment(request, pk):
    idea = selectors.idea_get(pk)
    form = CommentForm(request.POST)
    if rate_limited(request, "comment", request.portal_email):
        return _too_many(request)
    if not form.is_valid():
        return _bad_form(request, idea, form, "comment_form")
    try:
        services.portal_comment_create(idea=idea, email=request.portal_email, **{
            "name": form.cleaned_data["name"], "text": form.cleaned_data["text"]
        })  # fmt: skip
    except DomainError as exc:
        return _refuse(request, exc.message, 422)
    messages.success(request, _("Your comment is posted."))
    return redirect("portal:idea-detail", pk=idea.pk)


@portal_page
@require_POST
def idea_subscribe(request, pk):
    idea = selectors.idea_get(pk)
    if not request.portal_email:
        messages.info(request, _("Sign in with your e-mail to follow an idea."))
        return redirect("portal:signin")
    if rate_limited(request, "subscribe", request.portal_email):
        return _too_many(request)
    if request.POST.get("action") == "unsubscribe":
        services.portal_unsubscribe(idea=idea, email=request.portal_email)
        messages.success(request, _("You no longer follow this idea."))
    else:
        services.portal_subscribe(idea=idea, email=request.portal_email)
        messages.success(request, _("You will hear from us when this idea moves."))
    return redirect("portal:idea-detail", pk=idea.pk)


@portal_page
@require_http_methods(["GET", "POST"])
def idea_submit(request):
    form = IdeaSubmitForm(request.POST or None, initial={"email": request.portal_email})
    if request.method == "POST":
        if rate_limited(request, "submit", request.POST.get("email", "")):
            return _too_many(request)
        if form.is_valid():
            try:
                services.portal_idea_submit(**{
                    k: form.cleaned_data[k] for k in ("email", "name", "title", "text")
                })  # fmt: skip
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Thank you! Our product team reads every idea."))
                return redirect("portal:idea-list")
        status = 400 if form.non_field_errors() else 422
        return _render(request, "portal/idea_submit.html", {"form": form}, status)
    return _render(request, "portal/idea_submit.html", {"form": form})


# Sign-in by e-mail link -------------------------------------------------------------------


@portal_page
@require_http_methods(["GET", "POST"])
def signin(request):
    form = SignInForm(request.POST or None)
    if request.method == "POST":
        if rate_limited(request, "signin", request.POST.get("email", "")):
            return _too_many(request)
        if form.is_valid():
            email = form.cleaned_data["email"]
            try:
                services.portal_signin_request(email=email, base_url=_base_url(request))
            except DomainError as exc:
                form.add_error("email", exc.message)
            else:
                return _render(request, "portal/signin_sent.html", {"email": email})
        status = 400 if form.non_field_errors() else 422
        return _render(request, "portal/signin.html", {"form": form}, status)
    return _render(request, "portal/signin.html", {"form": form})


@portal_page
@require_GET
def signin_confirm(request, token):
    try:
        email = services.portal_signin_confirm(token=token)
    except DomainError as exc:
        return _refuse(request, exc.message, 400)
    request.session.cycle_key()
    request.session[SESSION_KEY] = email
    messages.success(request, _("You are signed in as %(email)s.") % {"email": email})
    return redirect("portal:idea-list")


@portal_page
@require_POST
def signout(request):
    request.session.pop(SESSION_KEY, None)
    messages.success(request, _("You are signed out."))
    return redirect("portal:idea-list")


# Roadmap, changelog, logo -----------------------------------------------------------------


@portal_page
@require_GET
def roadmap(request):
    return _render(request, "portal/roadmap.html", {"columns": selectors.roadmap()})


@portal_page
@require_GET
def changelog(request):
    entries = selectors.public_changelog()
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    return _render(request, "portal/changelog.html", {"page": page})


@portal_page
@require_GET
def logo(request):
    if not request.portal.logo:
        raise Http404
    response = FileResponse(request.portal.logo.open("rb"), content_type=request.portal.logo_type)
    response["Cache-Control"] = "public, max-age=300"
    return response
