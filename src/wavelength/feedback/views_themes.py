"""Theme discovery page: proposals for unthemed feedback, adopted with one click."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from wavelength.accounts.permissions import require_editor
from wavelength.core.exceptions import DomainError

from . import discovery, services


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
