"""Pages of conversations: an object's threads, the comment edit page, following, the
mention suggestions of the editor and the notification preferences. Thin: parse, call a
service or a selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wavelength.core.exceptions import DomainError
from wavelength.core.forms import form_status, submit
from wavelength.core.schemas import MAX_ID

from . import selectors, services
from .forms import CommentEditForm, CommentForm, PreferencesForm
from .models import Event


def _object_url(obj, anchor: str = "") -> str:
    url = obj.get_absolute_url()
    return f"{url}#{anchor}" if anchor else url


def _target(request, kind: str, object_id: int):
    """The kind and object named in the URL, as the person may see them; an unknown kind or an
    impossible id is a page that does not exist."""
    if object_id > MAX_ID:
        raise Http404
    try:
        return selectors.target_get(user=request.user, kind=kind, object_id=object_id)
    except DomainError:
        raise Http404 from None


def _comment(request, pk: int):
    if pk > MAX_ID:
        raise Http404
    comment = selectors.comment_get_for_user(user=request.user, pk=pk)
    _entry, obj = _target(request, comment.kind, comment.object_id)
    return comment, obj


def _warn(request, comment) -> None:
    check = getattr(comment, "mention_check", None)
    for warning in check.warnings if check else []:
        messages.warning(request, warning)


@login_required
def comment_list(request, kind, object_id):
    """All of an object's threads (its own page shows the first ones); POST adds a comment."""
    entry, obj = _target(request, kind, object_id)
    form = CommentForm(request.POST or None, prefix=None)
    if request.method == "POST":
        saved = submit(
            form,
            lambda: services.comment_create(
                actor=request.user,
                kind=entry.key,
                object_id=obj.pk,
                body=form.cleaned_data["body"],
                parent_id=form.cleaned_data.get("parent"),
            ),
        )
        if saved:
            messages.success(request, _("Comment posted."))
            _warn(request, saved)
            return redirect(_object_url(obj, saved.anchor))
    panel = selectors.comment_panel(user=request.user, obj=obj, page_number=request.GET.get("page"))
    context = {"panel": panel, "obj": obj, "form": form}
    return render(request, "conversations/comment_list.html", context, status=form_status(form))


@login_required
def comment_edit(request, pk):
    comment, obj = _comment(request, pk)
    if comment.author_id != request.user.pk or comment.is_deleted:
        raise PermissionDenied(_("Only the author can edit a comment."))
    form = CommentEditForm(request.POST or None, initial={"body": comment.body}).versioned(comment)
    saved = submit(
        form,
        lambda: services.comment_edit(
            actor=request.user,
            comment=comment,
            body=form.cleaned_data["body"],
            if_version=form.seen_version(),
        ),
    )
    if saved:
        messages.success(request, _("Comment saved."))
        _warn(request, saved)
        return redirect(_object_url(obj, saved.anchor))
    context = {"form": form, "comment": comment, "obj": obj}
    return render(request, "conversations/comment_form.html", context, status=form_status(form))


@login_required
@require_POST
def comment_delete(request, pk):
    comment, obj = _comment(request, pk)
    services.comment_delete(
        actor=request.user, comment=comment, if_version=request.POST.get("edit_version") or None
    )
    messages.success(request, _("Comment deleted."))
    return redirect(_object_url(obj, comment.anchor))


@login_required
@require_POST
def thread_resolve(request, pk):
    comment, obj = _comment(request, pk)
    if request.POST.get("reopen"):
        services.thread_reopen(actor=request.user, comment=comment)
    else:
        services.thread_resolve(actor=request.user, comment=comment)
    return redirect(_object_url(obj, comment.anchor))


@login_required
@require_POST
def follow_toggle(request, kind, object_id):
    entry, obj = _target(request, kind, object_id)
    if request.POST.get("follow") == "0":
        services.follow_delete(actor=request.user, kind=entry.key, object_id=obj.pk)
        messages.success(request, _("You no longer follow this."))
    else:
        services.follow_create(actor=request.user, kind=entry.key, object_id=obj.pk)
        messages.success(request, _("You follow this now: you will hear of its new comments."))
    return redirect(_object_url(obj, "comments"))


@login_required
def mention_suggestions(request):
    """People and teams for the editor's @ autocomplete, as JSON."""
    kind, object_id = request.GET.get("kind"), request.GET.get("object_id", "")
    target = {}
    if kind and object_id.isascii() and object_id.isdigit():
        _target(request, kind, int(object_id))  # 404 unless the person may see it
        target = {"kind": kind, "object_id": int(object_id)}
    items = selectors.mention_suggestions(user=request.user, q=request.GET.get("q", ""), **target)
    return JsonResponse({"items": items})


@login_required
def preferences(request):
    current = selectors.preferences_get(user=request.user)
    schedule = services.schedule_of(request.user)
    form = PreferencesForm(request.POST or None, initial_channels=current, schedule=schedule)
    saved = submit(
        form,
        lambda: services.preferences_update(
            actor=request.user, channels=form.channels(), digest=form.digest()
        ),
    )
    if saved:
        messages.success(request, _("Notification preferences saved."))
        return redirect("conversations:preferences")
    return render(
        request, "conversations/preferences.html", {"form": form}, status=form_status(form)
    )


def unsubscribe(request, token: str):
    """Turn off one kind of event from a digest's link, signed in or not: the link shows what
    it turns off, and a button does it (a mail scanner following links changes nothing)."""
    found = services.unsubscribe_target(token)
    if found is None:
        return render(request, "conversations/unsubscribe.html", {"invalid": True}, status=404)
    user, event = found
    done = False
    if request.method == "POST":
        services.unsubscribe(token=token)
        done = True
    context = {"person": user, "event": Event(event), "done": done}
    return render(request, "conversations/unsubscribe.html", context)
