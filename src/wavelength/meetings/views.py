"""Pages: meeting series, an occurrence with its agenda, minutes, decisions and action items,
and the calendar feeds."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wavelength.accounts.models import User
from wavelength.catalog.views.base import GET_POST
from wavelength.core import clock
from wavelength.core.exceptions import DomainError
from wavelength.core.forms import form_status, submit

from . import ics, selectors, services
from .forms import (
    ActionForm,
    AgendaItemForm,
    DecisionForm,
    OccurrenceForm,
    SeriesForm,
    series_initial,
)
from .models import CalendarToken


def _series_data(form: SeriesForm) -> services.SeriesData:
    d = form.cleaned_data
    return services.SeriesData(
        name=d["name"], purpose=d["purpose"], owner=d["owner"], start_date=d["start_date"],
        start_time=d["start_time"], rrule=form.rrule(), time_zone=d["time_zone"].strip(),
        duration_minutes=d["duration_minutes"], attendees=list(d["attendees"]),
        teams=list(d["teams"]), products=list(d["products"]), agenda_parts=d["agenda_parts"],
    )  # fmt: skip


@login_required
def series_list(request):
    mine = request.GET.get("mine") == "1"
    context = {"series_list": selectors.series_list(user=request.user, mine=mine), "mine": mine}
    return render(request, "meetings/series_list.html", context)


@login_required
@GET_POST
def series_create(request):
    initial = {"owner": request.user.pk, "agenda_parts": [], "start_date": clock.now().date()}
    form = SeriesForm(request.POST or None, initial=initial)
    series = submit(form, lambda: services.series_create(actor=request.user,
                                                         data=_series_data(form)))  # fmt: skip
    if series:
        messages.success(request, _("Meeting series created."))
        return redirect(series)
    return render(request, "meetings/series_form.html", {"form": form}, status=form_status(form))


@login_required
@GET_POST
def series_edit(request, pk):
    series = selectors.series_get(user=request.user, pk=pk)
    if not services.can_manage(request.user, series):
        raise PermissionDenied(_("Only the owner of this series can change it."))
    form = SeriesForm(request.POST or None, initial=series_initial(series)).versioned(series)
    saved = submit(
        form,
        lambda: services.series_update(
            actor=request.user, series=series, data=_series_data(form),
            if_version=form.seen_version(),
        ),
    )  # fmt: skip
    if saved:
        messages.success(request, _("Meeting series saved."))
        return redirect(saved)
    context = {"form": form, "series": series}
    return render(request, "meetings/series_form.html", context, status=form_status(form))


@login_required
def series_detail(request, pk):
    series = selectors.series_get(user=request.user, pk=pk)
    services.occurrences_ensure(series=series)
    context = {
        "series": series,
        "upcoming": selectors.upcoming(user=request.user, series=series),
        "past": selectors.past(user=request.user, series=series),
        "can_manage": services.can_manage(request.user, series),
    }
    return render(request, "meetings/series_detail.html", context)


@login_required
def occurrence_detail(request, pk):
    occurrence = selectors.occurrence_get(user=request.user, pk=pk)
    context = _occurrence_context(request, occurrence)
    return render(request, "meetings/occurrence_detail.html", context)


def _occurrence_context(request, occurrence, **forms):
    user = request.user
    return {
        "occurrence": occurrence,
        "series": occurrence.series,
        "items": selectors.agenda_items(user=user, occurrence=occurrence),
        "decisions": selectors.decision_list(user=user, occurrence=occurrence),
        "actions": selectors.action_list(user=user, occurrence=occurrence),
        "can_run": services.can_run(user, occurrence),
        # Three forms on one page: prefixes keep their fields' ids apart.
        "item_form": forms.get("item_form") or AgendaItemForm(prefix="item"),
        "decision_form": forms.get("decision_form")
        or DecisionForm(prefix="decision", user=user, series=occurrence.series),
        "action_form": forms.get("action_form")
        or ActionForm(prefix="action", initial={"owner": user.pk}, series=occurrence.series),
    }


def _occurrence_post(request, pk, form_name, form, call):
    occurrence = selectors.occurrence_get(user=request.user, pk=pk)
    done = submit(form, lambda: call(occurrence))
    if done is not None:
        return redirect(occurrence.get_absolute_url() + f"#{form_name}")
    context = _occurrence_context(request, occurrence, **{f"{form_name}_form": form})
    return render(request, "meetings/occurrence_detail.html", context, status=form_status(form))


@login_required
@require_POST
def item_add(request, pk):
    form = AgendaItemForm(request.POST, prefix="item")
    return _occurrence_post(request, pk, "item", form, lambda o: services.agenda_item_add(
        actor=request.user, occurrence=o, **form.values()))  # fmt: skip


DECISION_LINKS = ("features", "releases", "pages")


def _decision_data(form: DecisionForm) -> services.DecisionData:
    values = form.values()
    links = {k: list(values.pop(k)) for k in DECISION_LINKS}
    return services.DecisionData(**values, **links)


@login_required
@require_POST
def decision_add(request, pk):
    series = selectors.occurrence_get(user=request.user, pk=pk).series
    form = DecisionForm(request.POST, prefix="decision", user=request.user, series=series)
    return _occurrence_post(request, pk, "decision", form, lambda o: services.decision_create(
        actor=request.user, occurrence=o, data=_decision_data(form)))  # fmt: skip


@login_required
def decision_detail(request, pk):
    decision = selectors.decision_get(user=request.user, pk=pk)
    occurrence = decision.occurrence
    context = {"decision": decision, "occurrence": occurrence, "series": occurrence.series,
               "can_run": services.can_run(request.user, occurrence)}  # fmt: skip
    return render(request, "meetings/decision_detail.html", context)


@login_required
@GET_POST
def decision_edit(request, pk):
    decision = selectors.decision_get(user=request.user, pk=pk)
    occurrence = decision.occurrence
    if not services.can_run(request.user, occurrence):
        raise PermissionDenied(_("Only the owner and the attendees can change this meeting."))
    initial = {"title": decision.title, "rationale": decision.rationale,
               "decided_by": decision.decided_by_id}  # fmt: skip
    initial.update({k: list(getattr(decision, k).all()) for k in DECISION_LINKS})
    form = DecisionForm(request.POST or None, initial=initial, user=request.user,
                        series=occurrence.series).versioned(decision)  # fmt: skip
    saved = submit(form, lambda: services.decision_update(
        actor=request.user, decision=decision, data=_decision_data(form),
        if_version=form.seen_version(),
    ))  # fmt: skip
    if saved:
        messages.success(request, _("Decision saved."))
        return redirect(saved)
    context = {"form": form, "decision": decision, "occurrence": occurrence,
               "series": occurrence.series}  # fmt: skip
    return render(request, "meetings/decision_form.html", context, status=form_status(form))


@login_required
@require_POST
def action_add(request, pk):
    series = selectors.occurrence_get(user=request.user, pk=pk).series
    form = ActionForm(request.POST, prefix="action", series=series)

    def call(occurrence):
        values = {k: v for k, v in form.values().items() if k != "status"}
        return services.action_create(actor=request.user, occurrence=occurrence, **values)

    return _occurrence_post(request, pk, "action", form, call)


@login_required
@require_POST
def agenda_generate(request, pk):
    occurrence = selectors.occurrence_get(user=request.user, pk=pk)
    try:
        added = services.agenda_generate(actor=request.user, occurrence=occurrence)
        messages.success(request, _("%(count)d items added to the agenda.") % {"count": len(added)})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(occurrence.get_absolute_url() + "#agenda")


@login_required
@require_POST
def occurrence_close(request, pk):
    occurrence = selectors.occurrence_get(user=request.user, pk=pk)
    services.occurrence_close(actor=request.user, occurrence=occurrence)
    messages.success(request, _("Meeting closed; the minutes were sent to the attendees."))
    return redirect(occurrence)


SENT = {
    "agenda": (services.agenda_send, gettext_lazy("Agenda sent to %(count)d people.")),
    "minutes": (services.minutes_send, gettext_lazy("Minutes sent to %(count)d people.")),
}


@login_required
@require_POST
def occurrence_send(request, pk, what):
    """Send the agenda (before) or the minutes (after) to the attendees and followers."""
    if what not in SENT:
        raise Http404
    occurrence = selectors.occurrence_get(user=request.user, pk=pk)
    send, message = SENT[what]
    count = send(actor=request.user, occurrence=occurrence)
    messages.success(request, message % {"count": count})
    return redirect(occurrence.get_absolute_url() + ("#agenda" if what == "agenda" else "#minutes"))


@login_required
@GET_POST
def occurrence_edit(request, pk):
    occurrence = selectors.occurrence_get(user=request.user, pk=pk)
    if not services.can_run(request.user, occurrence):
        raise PermissionDenied(_("Only the owner and the attendees can change this meeting."))
    initial = {"minutes": occurrence.minutes,
               "attended": [u.pk for u in occurrence.attended.all()]}  # fmt: skip
    form = OccurrenceForm(request.POST or None, initial=initial).versioned(occurrence)
    saved = submit(form, lambda: services.occurrence_update(
        actor=request.user, occurrence=occurrence, minutes=form.cleaned_data["minutes"],
        attended=list(form.cleaned_data["attended"]), if_version=form.seen_version(),
    ))  # fmt: skip
    if saved:
        messages.success(request, _("Minutes saved."))
        return redirect(saved)
    context = {"form": form, "occurrence": occurrence, "series": occurrence.series}
    return render(request, "meetings/occurrence_form.html", context, status=form_status(form))


@login_required
@GET_POST
def item_edit(request, pk):
    item = selectors.agenda_item_get(user=request.user, pk=pk)
    initial = {"title": item.display_title, "note": item.display_note}
    form = AgendaItemForm(request.POST or None, initial=initial).versioned(item)
    saved = submit(
        form,
        lambda: services.agenda_item_update(
            actor=request.user, item=item, if_version=form.seen_version(), **form.values()
        ),
    )
    if saved:
        return redirect(item.occurrence.get_absolute_url() + "#agenda")
    context = {"form": form, "item": item, "occurrence": item.occurrence,
               "series": item.occurrence.series}  # fmt: skip
    return render(request, "meetings/item_form.html", context, status=form_status(form))


@login_required
@require_POST
def item_change(request, pk, action):
    item = selectors.agenda_item_get(user=request.user, pk=pk)
    version = request.POST.get("edit_version") or None
    try:
        if action in ("up", "down"):
            services.agenda_item_move(actor=request.user, item=item, direction=action,
                                      if_version=version)  # fmt: skip
        elif action == "remove":
            services.agenda_item_remove(actor=request.user, item=item, if_version=version)
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(item.occurrence.get_absolute_url() + "#agenda")


@login_required
@GET_POST
def action_edit(request, pk):
    action = selectors.action_get(user=request.user, pk=pk)
    initial = {"title": action.title, "owner": action.owner_id, "due_on": action.due_on,
               "feature": action.feature_id, "release": action.release_id,
               "status": action.status}  # fmt: skip
    form = ActionForm(request.POST or None, initial=initial, series=action.occurrence.series)
    form.versioned(action)

    def call():
        values = form.values()
        values["status"] = values.get("status") or "open"
        return services.action_update(actor=request.user, action=action,
                                      if_version=form.seen_version(), **values)  # fmt: skip

    saved = submit(form, call)
    if saved:
        messages.success(request, _("Action item saved."))
        return redirect(saved.occurrence.get_absolute_url() + "#actions")
    context = {"form": form, "action": action, "occurrence": action.occurrence,
               "series": action.occurrence.series}  # fmt: skip
    return render(request, "meetings/action_form.html", context, status=form_status(form))


# Calendar feeds ---------------------------------------------------------------------------


@login_required
@GET_POST
def calendar_settings(request):
    secret = None
    if request.method == "POST":
        if request.POST.get("revoke"):
            token = get_object_or_404(CalendarToken, pk=request.POST["revoke"], user=request.user)
            services.calendar_token_revoke(actor=request.user, token=token)
            messages.success(request, _("Calendar address revoked."))
        else:
            _token, secret = services.calendar_token_create(actor=request.user)
    tokens = CalendarToken.objects.filter(user=request.user, revoked_at__isnull=True)
    context = {"tokens": tokens, "secret": secret}
    return render(request, "meetings/calendar.html", context)


def calendar_feed(request, secret, pk=None):
    """A person's series (or one of them) as an .ics feed; an unknown or revoked secret is a
    404, so a feed address reveals nothing once revoked."""
    user: User | None = services.calendar_user(secret)
    if user is None:
        raise Http404
    series = list(selectors.series_for_calendar(user=user))
    if pk is not None:
        series = list(selectors.series_list(user=user).filter(pk=pk))
        if not series:
            raise Http404
    name = series[0].name if pk is not None else _("Wavelength meetings")
    body = ics.feed(series, site_url=settings.SITE_URL, name=name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
