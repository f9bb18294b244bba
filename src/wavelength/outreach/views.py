"""Closing the loop: a feature's messages (prepare, edit, send), completing a follow-up task
and the public unsubscribe link. Editors and admins write; viewers read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from wavelength.accounts.permissions import require_editor
from wavelength.catalog.models import Feature
from wavelength.core.exceptions import DomainError
from wavelength.core.forms import submit
from wavelength.portal.models import PortalSubscription

from . import selectors, services
from .forms import LoopMessageForm

GET_POST = require_http_methods(["GET", "POST"])


def _loop_url(feature_pk: int) -> str:
    return reverse("outreach:loop", args=[feature_pk])


def _feature(request, pk) -> Feature:
    return get_object_or_404(Feature.objects.select_related("product"), pk=pk)


@login_required
@require_http_methods(["GET"])
def loop_page(request, pk):
    feature = _feature(request, pk)
    context = {
        "feature": feature,
        "summary": selectors.loop_counts(user=request.user, feature=feature),
        "groups": selectors.loop_messages_by_company(user=request.user, feature=feature),
        "triggers": services.loop_triggers(feature),
        "progress": selectors.send_progress(user=request.user, feature=feature),
    }
    return render(request, "outreach/loop.html", context)


@login_required
@require_http_methods(["GET"])
def loop_progress(request, pk):
    """The loop page's progress panel, polled by htmx while a send runs; once it is over,
    the page reloads to show each message's new state."""
    feature = _feature(request, pk)
    progress = selectors.send_progress(user=request.user, feature=feature)
    context = {"feature": feature, "progress": progress}
    response = render(request, "outreach/_loop_progress.html", context)
    if request.htmx and not (progress and progress.running):
        response["HX-Refresh"] = "true"
    return response


@login_required
@GET_POST
def loop_prepare(request, pk):
    """Prepare the drafts (POST); a GET of this address goes to the loop page, where the
    button is."""
    require_editor(request.user)
    feature = _feature(request, pk)
    if request.method == "GET":
        return redirect(_loop_url(feature.pk))
    try:
        prepared = services.loop_prepare(actor=request.user, feature=feature)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if prepared.drafts or prepared.skipped:
            text = ngettext(
                "%(drafts)d draft prepared (%(skipped)d skipped: unsubscribed).",
                "%(drafts)d drafts prepared (%(skipped)d skipped: unsubscribed).",
                prepared.drafts,
            ) % {"drafts": prepared.drafts, "skipped": prepared.skipped}
            messages.success(request, text)
        else:
            messages.info(request, _("Every customer who asked already has a message."))
    return redirect(_loop_url(feature.pk))


@login_required
@GET_POST
def loop_message_edit(request, pk):
    """The edit form of one draft; over htmx the message's card is swapped in place."""
    message = selectors.loop_message_get(user=request.user, pk=pk)
    htmx = request.headers.get("HX-Request") == "true"
    initial = {"subject": message.subject, "body": message.body}
    form = LoopMessageForm(request.POST or None, initial=initial, auto_id=f"id_m{pk}_%s").versioned(
        message
    )
    if request.method == "POST":
        require_editor(request.user)
        saved = submit(
            form,
            lambda: services.loop_message_update(
                actor=request.user,
                message=message,
                if_version=form.seen_version(),
                **form.values(),
            ),
        )
        if saved:
            if not htmx:
                messages.success(request, _("Message saved."))
                return redirect(_loop_url(saved.feature_id) + f"#message-{saved.pk}")
            message = selectors.loop_message_get(user=request.user, pk=pk)
            return render(request, "outreach/loop_message.html", {"message": message})
    # htmx swaps only 2xx answers here (this page does not load catalog.js's 422 handler).
    status = 422 if form.is_bound and form.errors and not htmx else 200
    context = {"message": message, "form": form, "feature": message.feature}
    template = "outreach/loop_message_form.html" if htmx else "outreach/loop_edit.html"
    return render(request, template, context, status=status)


@login_required
@require_POST
def loop_send(request, pk):
    """Queue the drafts (or, with ``retry``, the failed messages) for the background job."""
    require_editor(request.user)
    feature = _feature(request, pk)
    base_url = request.build_absolute_uri("/")
    try:
        send = services.loop_send(
            actor=request.user, feature=feature, base_url=base_url, retry="retry" in request.POST
        )
    except DomainError as exc:
        messages.info(request, exc.message)
    else:
        n = send.messages.count()
        text = ngettext("%(n)d message is on its way.", "%(n)d messages are on their way.", n) % {
            "n": n
        }
        messages.success(request, text)
    return redirect(_loop_url(feature.pk))


@login_required
@require_POST
def follow_up_done(request, pk):
    require_editor(request.user)
    task = selectors.follow_up_get(user=request.user, pk=pk)
    services.follow_up_complete(actor=request.user, task=task)
    messages.success(request, _("Follow-up done."))
    return redirect(task.company.get_absolute_url() + "#follow-ups-title")


@csrf_exempt  # the signed token is the authority; mail clients post one-click unsubscribes
@GET_POST
def loop_unsubscribe(request, token):
    """Public: the link of every close-the-loop message and of every idea update. Opening it
    asks for a confirmation (link scanners open links too); the POST unsubscribes for good
    (from close-the-loop messages, or from the idea's updates)."""
    try:
        contact, idea = services.unsubscribe_target(token)
    except DomainError as exc:
        return render(request, "outreach/loop_unsubscribe.html", {"error": exc.message}, status=400)
    if idea is not None:
        done = not PortalSubscription.objects.filter(idea=idea, contact=contact).exists()
    else:
        done = contact.unsubscribed_at is not None
    if request.method == "POST":
        contact = services.loop_unsubscribe(token=token)
        done = True
    context = {"contact": contact, "idea": idea, "done": done, "token": token}
    return render(request, "outreach/loop_unsubscribe.html", context)
