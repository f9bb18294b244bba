"""What every catalog view shares: rendering a page or its htmx fragment, forms that take a
service's refusal onto their fields, pagination and timelines."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from wavelength.core import timeline
from wavelength.core.forms import form_status, submit  # noqa: F401 - the views use them
from wavelength.core.markdown import render as render_markdown

from .. import selectors
from ..models import Product

PER_PAGE = 50
TIMELINE_PER_PAGE = 20

GET_POST = require_http_methods(["GET", "POST"])


def render_page(request, template, context, *, fragments=None, status=200):
    """The full page, or for an htmx request the fragment its target element names."""
    if request.htmx and fragments and request.htmx.target in fragments:
        template = fragments[request.htmx.target]
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def preview(request):
    """The Markdown preview of a form's text field (``?preview=<field>``), for htmx."""
    text = request.POST.get(request.GET["preview"], "")
    return render(request, "catalog/_preview.html", {"html": render_markdown(text)})


def wants_preview(request) -> bool:
    return bool(request.htmx) and request.method == "POST" and "preview" in request.GET


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    return target if ok else default


def paginate(request, queryset, per_page, param="page"):
    return Paginator(queryset, per_page).get_page(request.GET.get(param))


def timeline_page(request, activities) -> dict:
    """One page of a timeline (``?tl=``), told in words and grouped by day."""
    activities = activities.select_related("actor", "target_type")
    page = paginate(request, activities, TIMELINE_PER_PAGE, "tl")
    return {"timeline_page": page, "timeline_days": timeline.group_by_day(timeline.describe(page))}


def product_from(request) -> Product | None:
    """The product a create form starts from (``?product=<slug>``), if it exists."""
    slug = request.POST.get("product") or request.GET.get("product")
    if not slug:
        return None
    try:
        return selectors.product_get(user=request.user, key=slug)
    except Http404:
        return None
