"""Every write of the insights app: saved views, the weekly report's subscription, and the
weekly reports themselves (generated for each subscriber with what they may see, kept, and
e-mailed in their language). One transaction each; saved views are recorded in the activity
log."""

import datetime as dt
import re
from urllib.parse import parse_qsl, urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wavelength.accounts.models import Team, User
from wavelength.accounts.permissions import require_member
from wavelength.catalog.models import Product
from wavelength.core import activity, clock, versioning
from wavelength.core.exceptions import DomainError

from .models import ReportSubscription, SavedView, ViewPage, WeeklyReport
from .scopes import DashboardFilter

NAME_MAX = 120
FILTER_KEY = re.compile(r"^[a-z_]{1,40}$")
MAX_FILTERS = 20
VALUE_MAX = 200


# Saved views ------------------------------------------------------------------------------


def clean_filters(page: str, filters) -> dict:
    """The filters a view keeps: for the dashboard its own (product, team, period); for a
    list, plain ``name=value`` pairs as its address carries them."""
    if not isinstance(filters, dict):
        raise DomainError(_("Filters must be pairs of a name and a value."), field="filters")
    if page == ViewPage.DASHBOARD:
        return DashboardFilter.from_params(filters).as_dict()
    out = {}
    for key, value in filters.items():
        if key in ("page", "csrfmiddlewaretoken") or value in (None, ""):
            continue
        if not FILTER_KEY.match(str(key)):
            raise DomainError(_("“%(name)s” is not a filter name.") % {"name": str(key)[:40]},
                              field="filters")  # fmt: skip
        if not isinstance(value, str | int) or len(str(value)) > VALUE_MAX:
            raise DomainError(_("The filter “%(name)s” has a value that is too long or not text.")
                              % {"name": key}, field="filters")  # fmt: skip
        out[key] = str(value)
    if len(out) > MAX_FILTERS:
        raise DomainError(_("At most %(n)d filters.") % {"n": MAX_FILTERS}, field="filters")
    return out


def view_from_address(address: str) -> tuple[str, dict]:
    """The page and filters of an address copied from the browser (``/feedback/?source=…``)."""
    parts = urlsplit((address or "").strip())
    try:
        match = resolve(parts.path or "/")
    except Resolver404:
        match = None
    name = f"{match.namespace}:{match.url_name}" if match else ""
    if name not in ViewPage.values or (match and (match.args or match.kwargs)):
        pages = ", ".join(str(label) for label in ViewPage.labels)
        raise DomainError(_("Paste the address of one of these pages: %(pages)s.")
                          % {"pages": pages}, field="address")  # fmt: skip
    return name, dict(parse_qsl(parts.query))


def _name(value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(_("Give the view a name."), field="name")
    if len(value) > NAME_MAX:
        raise DomainError(_("At most %(n)d characters.") % {"n": NAME_MAX}, field="name")
    return value


def _team(actor, team: Team | None) -> Team | None:
    """Views are shared with a team of the owner's (an administrator may pick any)."""
    if team is None or actor.is_admin or team.memberships.filter(user=actor).exists():
        return team
    raise DomainError(_("You can only share a view with a team you belong to."), field="team")


def _page(page: str) -> str:
    if page not in ViewPage.values:
        raise DomainError(_("Choose one of the pages offered."), field="page")
    return page


@transaction.atomic
def saved_view_create(*, actor, name: str, page: str, filters: dict, team: Team | None = None
                      ) -> SavedView:  # fmt: skip
    """Keep a page's filters under a name; any member may, viewers too."""
    require_member(actor)
    page = _page(page)
    view = SavedView.objects.create(
        name=_name(name), page=page, filters=clean_filters(page, filters), owner=actor,
        team=_team(actor, team),
    )  # fmt: skip
    activity.record(actor=actor, verb="created", target=view, scope="insights",
                    snapshot=activity.snapshot(view, SavedView.TRACKED))  # fmt: skip
    return view


_UNSET = object()


def _require_owner(actor, view: SavedView) -> None:
    require_member(actor)
    if view.owner_id != actor.pk and not actor.is_admin:
        raise PermissionDenied(_("Only the person who saved this view can change it."))


@transaction.atomic
def saved_view_update(
    *, actor, view: SavedView, name=_UNSET, page=_UNSET, filters=_UNSET, team=_UNSET,
    if_version: str | None = None,
) -> SavedView:  # fmt: skip
    """Rename, re-filter or share a view (its owner or an administrator); what is not given
    stays."""
    view = SavedView.objects.select_for_update().get(pk=view.pk)
    _require_owner(actor, view)
    versioning.check(view, if_version)
    before = activity.snapshot(view, SavedView.TRACKED)
    if name is not _UNSET:
        view.name = _name(name)
    if page is not _UNSET:
        view.page = _page(page)
    if filters is not _UNSET or page is not _UNSET:
        view.filters = clean_filters(view.page, view.filters if filters is _UNSET else filters)
    if team is not _UNSET:
        view.team = _team(actor, team)
    view.updated_at = clock.now()
    view.save()
    changes = activity.diff(before, activity.snapshot(view, SavedView.TRACKED))
    if changes:
        activity.record(actor=actor, verb="updated", target=view, scope="insights",
                        changes=changes)  # fmt: skip
    return view


@transaction.atomic
def saved_view_delete(*, actor, view: SavedView, if_version: str | None = None) -> None:
    view = SavedView.objects.select_for_update().get(pk=view.pk)
    _require_owner(actor, view)
    versioning.check(view, if_version)
    activity.record(actor=actor, verb="deleted", target=view, scope="insights")
    view.delete()


# The weekly report ------------------------------------------------------------------------


def subscription_of(user) -> ReportSubscription:
    """A person's subscription; an unsaved, inactive one when they never chose."""
    require_member(user)
    found = ReportSubscription.objects.filter(user=user).select_related("product", "team").first()
    return found or ReportSubscription(user=user, active=False)


@transaction.atomic
def subscription_set(*, actor, active: bool, product: Product | None = None,
                     team: Team | None = None, if_version: str | None = None
                     ) -> ReportSubscription:  # fmt: skip
    """Subscribe to the weekly report (narrowed to a product or a team), or stop it."""
    require_member(actor)
    current = ReportSubscription.objects.select_for_update().filter(user=actor).first()
    versioning.check(current or ReportSubscription(user=actor, active=False), if_version)
    sub = current or ReportSubscription(user=actor)
    sub.active, sub.product, sub.team = bool(active), product, team
    sub.updated_at = clock.now()
    sub.save()
    return sub


def week_of(day: dt.date) -> dt.date:
    """The Monday starting the week ``day`` is in."""
    return day - dt.timedelta(days=day.weekday())


def last_full_week() -> dt.date:
    """The Monday of the last week that has ended (Monday to Sunday), in the server's zone."""
    return week_of(timezone.localdate(clock.now())) - dt.timedelta(weeks=1)


def report_figures(*, user, filters: DashboardFilter) -> dict:
    """The figures of a report: each figure's counters, as ``user`` may see them, in the
    active language."""
    from .selectors import dashboard

    board = dashboard(user=user, filters=filters)
    return {
        "filters": filters.as_dict(),
        "since": filters.since.isoformat(),
        "until": filters.until.isoformat(),
        "figures": [
            {"key": fig.key, "title": str(fig.title),
             "counters": [{"label": str(c.label), "value": c.value if isinstance(c.value, int)
                           else str(c.value), "list": c.list, "params": c.params}
                          for c in fig.counters]}
            for fig in board.figures
        ],
    }  # fmt: skip


def report_generate(*, user, week_start: dt.date) -> WeeklyReport:
    """The report of the week starting ``week_start`` for one subscriber (made once: a
    second call answers the one already kept)."""
    existing = WeeklyReport.objects.filter(user=user, week_start=week_start).first()
    if existing:
        return existing
    sub = subscription_of(user)
    filters = DashboardFilter(
        product=sub.product.slug if sub.product_id else None,
        team=sub.team.slug if sub.team_id else None,
        period=7, end=week_start + dt.timedelta(days=6),
    )  # fmt: skip
    with translation.override(user.language or settings.LANGUAGE_CODE):
        figures = report_figures(user=user, filters=filters)
    report, _created = WeeklyReport.objects.get_or_create(
        user=user, week_start=week_start, defaults={"figures": figures}
    )
    return report


def report_email(report: WeeklyReport) -> None:
    """E-mail a report to its reader, in their language, once."""
    user = report.user
    if report.emailed_at:
        return
    link = settings.SITE_URL.rstrip("/") + report.get_absolute_url()
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = _("Product operations, week of %(day)s") % {
            "day": _date(report.week_start)}  # fmt: skip
        body = render_to_string("insights/report_email.txt", {"report": report, "link": link})
    send_mail(subject=subject, message=body, from_email=settings.DEFAULT_FROM_EMAIL,
              recipient_list=[user.email])  # fmt: skip
    WeeklyReport.objects.filter(pk=report.pk).update(emailed_at=clock.now())


def _date(day: dt.date) -> str:
    from django.utils.formats import date_format

    return date_format(day, "DATE_FORMAT")


def reports_send(*, week_start: dt.date | None = None) -> int:
    """The weekly job: for every active subscriber, the report of the last full week, made
    and e-mailed once (running it again sends nothing twice). Returns how many were sent."""
    week_start = week_start or last_full_week()
    sent = 0
    subscribers = User.objects.filter(is_active=True, report_subscription__active=True)
    for user in subscribers.order_by("pk"):
        report = report_generate(user=user, week_start=week_start)
        if not report.emailed_at:
            report_email(report)
            sent += 1
    return sent
