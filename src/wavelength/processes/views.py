"""Pages: playbooks and their step editor, runs, my steps, overdue steps, onboarding."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wavelength.accounts.models import Team, User
from wavelength.accounts.permissions import require_admin, require_editor
from wavelength.catalog.models import Product, Release
from wavelength.catalog.views.base import (
    GET_POST,
    paginate,
    preview,
    render_page,
    timeline_page,
    wants_preview,
)
from wavelength.core import clock, mywork, versioning
from wavelength.core.exceptions import DomainError
from wavelength.core.forms import form_status, submit

from . import selectors, services, targets
from .forms import (
    CompleteForm,
    PlaybookCreateForm,
    PlaybookForm,
    RequiredPlaybooksForm,
    RunFilterForm,
    RunStartForm,
    StepFilterForm,
    StepForm,
    TeamOnboardingForm,
)
from .models import RunStep, TeamOnboarding
from .services.runs import can_approve, can_work_on

PER_PAGE = 50


# Playbooks --------------------------------------------------------------------------------


@login_required
def playbook_list(request):
    playbooks = selectors.playbook_list(user=request.user)
    context = {"page": paginate(request, playbooks, PER_PAGE)}
    return render(request, "processes/playbook_list.html", context)


@login_required
@GET_POST
def playbook_create(request):
    require_editor(request.user)
    form = PlaybookCreateForm(request.POST or None)
    playbook = submit(
        form,
        lambda: services.playbook_create(
            actor=request.user,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            steps=[services.StepSpec(title=form.cleaned_data["first_step"])],
        ),
    )
    if playbook:
        messages.success(request, _("Playbook created. Add its other steps."))
        return redirect(playbook)
    return render(request, "processes/playbook_form.html", {"form": form}, status=form_status(form))


@login_required
@GET_POST
def playbook_edit(request, slug):
    require_editor(request.user)
    playbook = selectors.playbook_get(user=request.user, key=slug)
    initial = {"name": playbook.name, "description": playbook.description}
    form = PlaybookForm(request.POST or None, initial=initial).versioned(playbook)
    saved = submit(
        form,
        lambda: services.playbook_update(
            actor=request.user, playbook=playbook, if_version=form.seen_version(), **form.values()
        ),
    )
    if saved:
        messages.success(request, _("Playbook saved."))
        return redirect(saved)
    context = {"form": form, "playbook": playbook}
    return render(request, "processes/playbook_form.html", context, status=form_status(form))


@login_required
def playbook_detail(request, slug, number=None):
    playbook = selectors.playbook_get(user=request.user, key=slug)
    version = playbook.current_version
    if number is not None:
        version = selectors.version_get(user=request.user, playbook=playbook, number=number)
    context = {
        "playbook": playbook,
        "version": version,
        "is_current": version is not None and version.pk == playbook.current_version_id,
        # The step buttons send it back: a move or removal over someone else's is refused.
        "edit_version": versioning.version_of(playbook),
        "steps": selectors.version_steps(version),
        "versions": selectors.version_list(user=request.user, playbook=playbook)[:20],
        "runs": selectors.run_list(
            user=request.user, filters=selectors.RunFilter(playbook=playbook.pk)
        )[:10],
    }
    return render(request, "processes/playbook_detail.html", context)


@login_required
@GET_POST
def step_edit(request, slug, position=None):
    require_editor(request.user)
    if wants_preview(request):
        return preview(request)
    playbook = selectors.playbook_get(user=request.user, key=slug)
    specs = services.specs_of(playbook.current_version)
    if position is not None and not 1 <= position <= len(specs):
        raise Http404
    initial = StepForm.initial_for(specs[position - 1]) if position else {"owner_kind": "starter"}
    form = StepForm(
        request.POST or None,
        initial=initial,
        user=request.user,
        step_titles=[s.title for s in specs],
        own_position=position,
    ).versioned(playbook)
    version = submit(
        form,
        lambda: _one_step(
            lambda: services.playbook_step_save(
                actor=request.user,
                playbook=playbook,
                spec=form.spec(),
                position=position,
                if_version=form.seen_version(),
            )
        ),
    )
    if version:
        messages.success(request, _("Saved as version %(n)d.") % {"n": version.number})
        return redirect(playbook)
    context = {"form": form, "playbook": playbook, "position": position}
    return render(request, "processes/step_form.html", context, status=form_status(form))


def _one_step(call):
    """The service names ``steps.N.field``; the form of one step shows it on ``field``."""
    try:
        return call()
    except versioning.StaleVersion:
        raise  # both versions shown, what was typed kept (see core.forms.submit)
    except DomainError as exc:
        errors = {}
        for name, message in exc.errors.items():
            parts = name.split(".")
            field = parts[2] if len(parts) > 2 and parts[0] == "steps" else ""
            errors[
                {"condition_key": "condition", "condition_params": "condition"}.get(field, field)
            ] = message
        raise DomainError(exc.message, errors=errors) from None


@login_required
@require_POST
def step_change(request, slug, position, action):
    require_editor(request.user)
    playbook = selectors.playbook_get(user=request.user, key=slug)
    seen = (request.POST.get("edit_version") or "")[:200] or None
    try:
        if action == "remove":
            services.playbook_step_remove(
                actor=request.user, playbook=playbook, position=position, if_version=seen
            )
        elif action in ("up", "down"):
            by = -1 if action == "up" else 1
            services.playbook_step_move(
                actor=request.user, playbook=playbook, position=position, by=by, if_version=seen
            )
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Saved as a new version."))
    return redirect(playbook)


# Runs -------------------------------------------------------------------------------------


@login_required
def run_list(request):
    form = RunFilterForm(request.GET or None)
    playbook, product = form.value("playbook"), form.value("product")
    runs = selectors.run_list(
        user=request.user,
        filters=selectors.RunFilter(
            playbook=playbook.pk if playbook else None,
            status=form.value("status") or None,
            product=product.pk if product else None,
        ),
    )
    context = {"filter_form": form, "page": paginate(request, runs, PER_PAGE)}
    fragments = {"run-results": "processes/_run_results.html"}
    return render_page(request, "processes/run_list.html", context, fragments=fragments)


def _target_from(value: str):
    kind, _sep, pk = (value or "").partition(":")
    return targets.resolve(kind, pk, field="target") if value else None


@login_required
@GET_POST
def run_start(request):
    require_editor(request.user)
    initial = {"playbook": request.GET.get("playbook")}
    if request.GET.get("target_kind") and request.GET.get("target_id"):
        initial["target"] = f"{request.GET['target_kind']}:{request.GET['target_id']}"
    form = RunStartForm(request.POST or None, initial=initial)
    run = submit(
        form,
        lambda: services.run_start(
            actor=request.user,
            playbook=form.cleaned_data["playbook"],
            target=_target_from(form.cleaned_data["target"]),
            started_on=form.cleaned_data["started_on"],
            title=form.cleaned_data["title"],
        ),
    )
    if run:
        messages.success(request, _("Run started; its owners are told."))
        return redirect(run)
    return render(request, "processes/run_start.html", {"form": form}, status=form_status(form))


def _run_context(request, run, *, errors=None) -> dict:
    steps = selectors.run_steps(user=request.user, run=run)
    errors = errors or {}
    team_ids = set(request.user.memberships.values_list("team_id", flat=True))
    for step in steps:
        step.error = errors.get(step.pk)
        step.can_work = can_work_on(request.user, step, team_ids=team_ids)
        step.can_approve = can_approve(request.user, step)
        step.can_take = (
            step.assignee_id is None
            and step.assignee_team_id
            and step.can_work
            and not step.is_finished
        )
    percent = round(100 * run.step_done / run.step_total) if run.step_total else 0
    target = services.runs.run_target(run)
    today = clock.now().date()
    return {
        "today": today,
        "run": run,
        "steps": steps,
        "percent": percent,
        "blocked_count": sum(1 for s in steps if s.blocked and s.status == "open"),
        "overdue_count": run.step_overdue,
        "target": target,
        "target_url": targets.url_of(target),
        **timeline_page(request, selectors.run_history(user=request.user, run=run)),
    }


@login_required
def run_detail(request, pk, errors=None, status=200, done=""):
    run = selectors.run_get(user=request.user, pk=pk)
    context = {**_run_context(request, run, errors=errors), "done": done}
    fragments = {"run-body": "processes/_run_body.html"}
    return render_page(
        request, "processes/run_detail.html", context, fragments=fragments, status=status
    )


@login_required
@require_POST
def step_action(request, pk, step_pk, action):
    run = selectors.run_get(user=request.user, pk=pk)
    step = get_object_or_404(RunStep, pk=step_pk, run=run)
    try:
        done = _do(request, step, action)
    except DomainError as exc:
        return run_detail(request, pk, errors={step.pk: exc}, status=422)
    except PermissionDenied as exc:
        return run_detail(
            request, pk, errors={step.pk: DomainError(str(exc) or _("Not allowed."))}, status=403
        )
    if request.htmx:  # the swapped-in run says what was done
        return run_detail(request, pk, done=done)
    messages.success(request, done)
    return redirect(run)


_DONE = {
    "complete": gettext_lazy("Step “%(step)s” completed."),
    "skip": gettext_lazy("Step “%(step)s” skipped."),
    "reopen": gettext_lazy("Step “%(step)s” reopened."),
    "approve": gettext_lazy("Step “%(step)s” approved."),
    "take": gettext_lazy("Step “%(step)s” is yours."),
}


def _do(request, step, action) -> str:
    """Do ``action`` on the step; returns the confirmation to show."""
    _act(request, step, action)
    return str(_DONE[action]) % {"step": step.title}


def _act(request, step, action) -> None:
    user = request.user
    if action == "complete":
        form = CompleteForm(request.POST)
        form.is_valid()
        services.runstep_complete(
            actor=user,
            step=step,
            note=form.cleaned_data.get("note", ""),
            evidence_url=form.cleaned_data.get("evidence_url", ""),
        )
    elif action == "skip":
        services.runstep_skip(actor=user, step=step, reason=request.POST.get("reason", ""))
    elif action == "reopen":
        services.runstep_reopen(actor=user, step=step)
    elif action == "approve":
        services.runstep_approve(actor=user, step=step)
    elif action == "take":
        services.runstep_assign(actor=user, step=step, assignee=user)
    else:
        raise Http404


@login_required
@require_POST
def run_cancel(request, pk):
    run = selectors.run_get(user=request.user, pk=pk)
    try:
        services.run_cancel(actor=request.user, run=run)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(run)


# Lists of steps ---------------------------------------------------------------------------


def _steps_page(request, *, template_title, loader, subtitle, show_assignee):
    form = StepFilterForm(request.GET or None)
    playbook = form.value("playbook")
    f = selectors.StepFilter(
        playbook=playbook.pk if playbook else None, status=form.value("status") or None
    )
    steps = loader(user=request.user, filters=f)
    context = {
        "filter_form": form,
        "page": paginate(request, steps, PER_PAGE),
        "heading": template_title,
        "subtitle": subtitle,
        "show_assignee": show_assignee,
        "show_status_filter": loader is selectors.my_steps,
        # Other apps' work for the reader (core.mywork), beside their steps.
        "other_work": mywork.render_work(user=request.user) if loader is selectors.my_steps else [],
    }
    fragments = {"step-results": "processes/_step_results.html"}
    return render_page(request, "processes/step_list.html", context, fragments=fragments)


@login_required
def my_steps(request):
    return _steps_page(
        request,
        template_title=_("My steps"),
        loader=selectors.my_steps,
        subtitle=_("Steps assigned to you or to your teams, soonest due first."),
        show_assignee=False,
    )


@login_required
def overdue_steps(request):
    return _steps_page(
        request,
        template_title=_("Overdue steps"),
        loader=selectors.overdue_steps,
        subtitle=_("Open steps past their due date, across every run in progress."),
        show_assignee=True,
    )


# People -----------------------------------------------------------------------------------


@login_required
def runs_for_person(request, user_pk):
    person = get_object_or_404(User, pk=user_pk, is_active=True)
    runs = selectors.runs_for(user=request.user, obj=person)
    context = {"person": person, "page": paginate(request, runs, PER_PAGE)}
    return render(request, "processes/runs_for_person.html", context)


@login_required
def team_onboarding(request):
    """The onboarding runs of the people who report to the reader."""
    runs = selectors.run_list(
        user=request.user, filters=selectors.RunFilter(manager=request.user.pk)
    )
    reports = User.objects.filter(manager=request.user, is_active=True).order_by("name", "email")
    context = {"page": paginate(request, runs, PER_PAGE), "reports": reports}
    return render(request, "processes/team_onboarding.html", context)


@login_required
@GET_POST
def onboarding_settings(request):
    """Which playbook each team starts for its new members (administrators choose)."""
    teams = list(Team.objects.order_by("name"))
    chosen = {s.team_id: s for s in TeamOnboarding.objects.select_related("playbook")}

    def form_for(team, data=None):
        """A team's row: built from its setting as it is now (a team never set is off)."""
        setting = chosen.get(team.pk) or TeamOnboarding(team=team)
        return TeamOnboardingForm(
            data, initial={"playbook": setting.playbook}, auto_id=f"onboarding-{team.pk}-%s"
        ).versioned(setting)

    error, refused = None, None
    if request.method == "POST":
        require_admin(request.user)
        raw = request.POST.get("team") or ""
        team = get_object_or_404(Team, pk=int(raw) if raw.isdigit() and len(raw) < 18 else 0)
        form = form_for(team, request.POST)
        saved = submit(
            form,
            lambda: services.team_onboarding_set(
                actor=request.user,
                team=team,
                playbook=form.cleaned_data["playbook"],
                if_version=form.seen_version(),
            ),
        )
        if saved:
            messages.success(request, _("Onboarding of %(team)s saved.") % {"team": team})
            return redirect("processes:onboarding-settings")
        # A stale change shows both choices in the team's row and keeps the one made.
        refused = (team.pk, form)
        errors = form.non_field_errors()
        error = errors[0] if errors else _("Choose one of the playbooks.")
    rows = [(t, refused[1] if refused and refused[0] == t.pk else form_for(t)) for t in teams]
    context = {"rows": rows, "error": error}
    return render(
        request, "processes/onboarding_settings.html", context, status=422 if error else 200
    )


# What a product's releases and a release require ------------------------------------------


@login_required
@require_POST
def release_playbooks(request, pk):
    require_editor(request.user)
    release = get_object_or_404(Release.objects.select_related("product"), pk=pk)
    form = RequiredPlaybooksForm(request.POST)
    if form.is_valid():
        try:
            services.release_playbooks_require(
                actor=request.user,
                release=release,
                playbooks=form.cleaned_data["playbooks"],
                if_version=form.seen_version(),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Required playbooks saved."))
    return redirect(release.get_absolute_url() + "#section-runs")


@login_required
@require_POST
def product_playbooks(request, slug):
    """The product page's form: the playbooks every release of the product requires."""
    require_editor(request.user)
    product = get_object_or_404(Product, slug=slug)
    form = RequiredPlaybooksForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose playbooks from the list."))
    else:
        try:
            services.product_playbooks_require(
                actor=request.user,
                product=product,
                playbooks=form.cleaned_data["playbooks"],
                if_version=form.seen_version(),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Playbooks every release requires saved."))
    return redirect(product.get_absolute_url() + "#section-playbooks")
