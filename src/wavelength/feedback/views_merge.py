"""Merging a likely duplicate into the item on screen, and undoing it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wavelength.accounts.permissions import require_editor
from wavelength.core.exceptions import DomainError

from . import selectors, services
from .merge_models import FeedbackMerge


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
