"""``{% plan_selection_form %}``: the form under the prioritisation table that plans the ticked
features into a release or a roadmap column (its rows' checkboxes name ``form="plan-form"``)."""

import datetime as dt

from django import template
from django.db.models import Value
from django.db.models.functions import Coalesce

from wavelength.catalog.models import Release

from ..models import Column
from ..services import OPEN

register = template.Library()


@register.inclusion_tag("planning/_plan_form.html", takes_context=True)
def plan_selection_form(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    releases = []
    if getattr(user, "can_edit", False):
        releases = list(
            Release.objects.filter(status__in=OPEN)
            .select_related("product")
            .order_by("product__name", Coalesce("target_date", Value(dt.date.max)), "pk")[:200]
        )
    return {"request": request, "user": user, "releases": releases, "columns": Column.choices,
            "csrf_token": context.get("csrf_token")}  # fmt: skip
