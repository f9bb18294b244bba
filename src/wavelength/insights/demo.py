"""The demo's insights: saved views of the dashboard and of the feedback inbox (one shared
with the product team), the demo person subscribed to the weekly report, and the reports of
the last four weeks, made as the weekly job makes them. Every write goes through the services
at its own time (clock.travel), so the story is the same on any date."""

import datetime as dt

from django.db import transaction

from wavelength.accounts.models import Team, User
from wavelength.catalog.demo import DEMO_EMAIL
from wavelength.catalog.models import Product
from wavelength.core import clock

from . import services, summaries
from .models import SavedView, ViewPage


def build_insights_demo(*, now: dt.datetime | None = None) -> dict:
    """Add the demo's views, subscription and reports unless a saved view exists; recount
    the dashboard's summaries first (the other apps' demos insert some rows in bulk)."""
    if SavedView.objects.exists():
        return {"created": False}
    summaries.rebuild()
    now = now or clock.now()
    person = User.objects.filter(email=DEMO_EMAIL).first()
    product = Product.objects.order_by("pk").first()
    if person is None or product is None:
        return {"created": False}
    team = Team.objects.filter(memberships__user=person).order_by("pk").first()
    with transaction.atomic(), clock.travel(now - dt.timedelta(days=30)):
        services.saved_view_create(
            actor=person, name=f"{product.name}: last quarter", page=ViewPage.DASHBOARD,
            filters={"product": product.slug, "period": 90}, team=team,
        )  # fmt: skip
        services.saved_view_create(
            actor=person, name="Negative feedback from enterprise customers",
            page=ViewPage.INBOX, filters={"sentiment": "negative", "segment": "enterprise"},
        )  # fmt: skip
        services.saved_view_create(
            actor=person, name="Everything, this year", page=ViewPage.DASHBOARD,
            filters={"period": 365},
        )  # fmt: skip
        services.subscription_set(actor=person, active=True)
    last = services.week_of(now.date()) - dt.timedelta(weeks=1)
    reports = 0
    for weeks_back in range(3, -1, -1):
        week = last - dt.timedelta(weeks=weeks_back)
        sent_at = dt.datetime.combine(week + dt.timedelta(days=7), dt.time(7), tzinfo=now.tzinfo)
        with clock.travel(min(sent_at, now)):
            services.report_generate(user=person, week_start=week)
            reports += 1
    return {"created": True, "reports": reports}
