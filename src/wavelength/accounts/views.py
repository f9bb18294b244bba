"""Pages for signing in, people, teams and API tokens. Writes go through ``services``.

A refused write (``DomainError``) re-renders the form with the message on its field and status
422; ``PermissionDenied`` becomes the 403 page. Admin-only pages check the role first so a
viewer never sees a form they cannot send.
"""

import json
from base64 import b32encode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login

from wavelength.core.csvexport import csv_response
from wavelength.core.exceptions import DomainError
from wavelength.core.forms import form_status, submit

from . import selectors, services, signin, sso
from .forms import (
    AuditFilterForm,
    EmailAuthenticationForm,
    MemberAddForm,
    PasswordConfirmForm,
    PersonForm,
    RoleForm,
    SecurityPolicyForm,
    TeamForm,
    TokenForm,
    TwoFactorCodeForm,
    add_domain_error,
)
from .models import SecurityPolicy
from .permissions import require_admin
from .signin import locked_out_emails


class SignInView(auth_views.LoginView):
    """The password step. Someone with two-factor sign-in on is not signed in yet: they go
    on to the code step."""

    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso_name"] = settings.OIDC_PROVIDER_NAME if sso.enabled() else ""
        context["sso_failed"] = self.request.GET.get("sso") == "failed"
        return context

    def form_valid(self, form):
        user = form.get_user()
        if services.two_factor_enabled(user):
            signin.pending_start(self.request, user, self.get_success_url())
            return redirect("accounts:login-code")
        return super().form_valid(form)


login = SignInView.as_view()
logout = auth_views.LogoutView.as_view()


def login_code(request):
    """The second step of signing in: a code from the app or a recovery code."""
    user = signin.pending_user(request)
    if user is None:
        messages.info(request, _("Sign in again: the code step lasts five minutes."))
        return redirect("accounts:login")
    form = TwoFactorCodeForm(request.POST or None)
    device = submit(
        form, lambda: services.two_factor_verify(user=user, code=form.cleaned_data["code"])
    )
    if device is not None:
        redirect_to = signin.pending_finish(request, user, device)
        if device.persistent_id.startswith("otp_static"):
            messages.warning(
                request,
                _(
                    "You used a recovery code; %(left)d are left. Make new ones on the "
                    "Two-factor sign-in page if you are running out."
                )
                % {"left": services.recovery_codes_left(user)},
            )
        return redirect(redirect_to)
    status = form_status(form)
    return render(request, "accounts/login_code.html", {"form": form}, status=status)


def _two_factor_page(request, status=200, **context):
    """The two-factor page: the person's state, the set-up in progress (a QR code and the
    secret), recovery codes just made (shown once) and, for administrators, the policy."""
    user, policy = request.user, SecurityPolicy.current()
    setup = context.get("setup")
    if setup is not None:
        context["qr_svg"] = _qr_svg(setup.config_url)
        context["secret"] = b32encode(setup.bin_key).decode()
    if user.is_admin:
        context.setdefault(
            "policy_form",
            SecurityPolicyForm(
                initial={"admins_need_two_factor": policy.admins_need_two_factor}
            ).versioned(policy),
        )
    context.setdefault("code_form", TwoFactorCodeForm())
    context.setdefault("password_form", PasswordConfirmForm())
    context.update(enabled=services.two_factor_enabled(user), policy=policy)
    return render(request, "accounts/two_factor.html", context, status=status)


@login_required
@require_GET
def two_factor(request):
    return _two_factor_page(request)


@login_required
@require_POST
def two_factor_begin(request):
    try:
        setup = services.two_factor_begin(actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:two-factor")
    return _two_factor_page(request, setup=setup)


@login_required
@require_POST
def two_factor_confirm(request):
    form = TwoFactorCodeForm(request.POST)
    user = request.user
    codes = submit(
        form, lambda: services.two_factor_confirm(actor=user, code=form.cleaned_data["code"])
    )
    if not codes:
        setup = services.two_factor_device(user, confirmed=False)
        return _two_factor_page(request, form_status(form), code_form=form, setup=setup)
    otp_login(request, services.two_factor_device(user))  # this session has passed both steps
    messages.success(request, _("Two-factor sign-in is on."))
    return _two_factor_page(request, recovery_codes=codes)


@login_required
@require_POST
def two_factor_recovery_codes(request):
    form = PasswordConfirmForm(request.POST)
    codes = submit(
        form,
        lambda: services.recovery_codes_renew(
            actor=request.user, password=form.cleaned_data["password"]
        ),
    )
    return _two_factor_page(
        request, form_status(form), password_form=form, recovery_codes=codes or None
    )


@login_required
@require_POST
def two_factor_disable(request):
    form = PasswordConfirmForm(request.POST)
    done = submit(
        form,
        lambda: services.two_factor_disable(
            actor=request.user, password=form.cleaned_data["password"]
        ),
    )
    if done is None:
        return _two_factor_page(request, form_status(form), password_form=form)
    messages.success(request, _("Two-factor sign-in is off."))
    return redirect("accounts:two-factor")


@login_required
def security_policy_edit(request):
    """The workspace's sign-in policy (administrators), on the two-factor page."""
    require_admin(request.user)
    if request.method != "POST":
        return _two_factor_page(request)
    policy = SecurityPolicy.current()
    form = SecurityPolicyForm(
        request.POST, initial={"admins_need_two_factor": policy.admins_need_two_factor}
    )
    saved = submit(
        form,
        lambda: services.security_policy_update(
            actor=request.user,
            admins_need_two_factor=form.cleaned_data["admins_need_two_factor"],
            if_version=form.seen_version(),
        ),
    )
    if saved is None:
        return _two_factor_page(request, form_status(form), policy_form=form)
    messages.success(request, _("The sign-in policy is saved."))
    return redirect("accounts:two-factor")


def _qr_svg(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_inline(scale=5, dark="#111827", light="#ffffff")


# People -----------------------------------------------------------------------------------


@login_required
def user_list(request, form=None, status=200):
    people = selectors.user_list(user=request.user)
    if form is None and request.user.is_admin:
        form = PersonForm()
    context = {
        "people": people,
        "form": form,
        "roles": RoleForm.base_fields["role"].choices,
        "locked_out": locked_out_emails() if request.user.is_admin else set(),
    }
    return render(request, "accounts/user_list.html", context, status=status)


@login_required
@require_POST
def user_unlock(request, pk: int):
    person = selectors.user_get(user=request.user, pk=pk)
    services.user_unlock(actor=request.user, user=person)
    messages.success(request, _("%(name)s can sign in again.") % {"name": person})
    return redirect("accounts:user-list")


@login_required
@require_POST
def user_two_factor_reset(request, pk: int):
    person = selectors.user_get(user=request.user, pk=pk)
    services.two_factor_reset(actor=request.user, user=person)
    message = _("Two-factor sign-in is off for %(name)s: they can set it up again.")
    messages.success(request, message % {"name": person})
    return redirect("accounts:user-list")


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request):
    """Add a person (the form is on the People page, where a GET of this address goes)."""
    require_admin(request.user)
    if request.method == "GET":
        return redirect(reverse("accounts:user-list") + "#add-person")
    form = PersonForm(request.POST)
    if form.is_valid():
        try:
            person = services.user_create(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("%(name)s can now sign in.") % {"name": person})
            return redirect("accounts:user-list")
    return user_list(request, form=form, status=422)


@login_required
@require_POST
def user_role(request, pk: int):
    require_admin(request.user)
    person = selectors.user_get(user=request.user, pk=pk)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.user_set_role(actor=request.user, user=person, role=form.cleaned_data["role"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(name)s is now %(role)s.")
                % {"name": person, "role": person.get_role_display().lower()},
            )
    else:
        messages.error(request, _("Choose one of the roles."))
    return redirect("accounts:user-list")


@login_required
@require_POST
def user_manager(request, pk: int):
    require_admin(request.user)
    person = selectors.user_get(user=request.user, pk=pk)
    raw = request.POST.get("manager") or ""
    manager = (
        selectors.user_list(user=request.user).filter(pk=raw).first() if raw.isdigit() else None
    )
    try:
        services.user_set_manager(actor=request.user, user=person, manager=manager)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Manager of %(name)s saved.") % {"name": person})
    return redirect("accounts:user-list")


# Teams ------------------------------------------------------------------------------------


@login_required
def team_list(request):
    teams = selectors.team_list(user=request.user)
    return render(request, "accounts/team_list.html", {"teams": teams})


@login_required
def team_detail(request, slug: str, member_form=None, status=200):
    team = selectors.team_get(user=request.user, slug=slug)
    if member_form is None and request.user.is_admin:
        member_form = MemberAddForm(team=team)
    context = {
        "team": team,
        "members": selectors.team_members(user=request.user, team=team),
        "features": selectors.team_owned_features(user=request.user, team=team),
        "member_form": member_form,
    }
    return render(request, "accounts/team_detail.html", context, status=status)


@login_required
def team_create(request):
    require_admin(request.user)
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(actor=request.user, **form.values())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Team “%(name)s” created.") % {"name": team})
            return redirect("accounts:team-detail", slug=team.slug)
    status = 422 if form.errors else 200
    return render(request, "accounts/team_form.html", {"form": form}, status=status)


@login_required
def team_edit(request, slug: str):
    require_admin(request.user)
    team = selectors.team_get(user=request.user, slug=slug)
    initial = {"name": team.name, "description": team.description}
    form = TeamForm(request.POST or None, initial=initial).versioned(team)
    saved = submit(
        form,
        lambda: services.team_update(
            actor=request.user, team=team, if_version=form.seen_version(), **form.values()
        ),
    )
    if saved:
        messages.success(request, _("Team “%(name)s” saved.") % {"name": saved})
        return redirect("accounts:team-detail", slug=saved.slug)
    status = form_status(form)
    return render(request, "accounts/team_form.html", {"form": form, "team": team}, status=status)


@login_required
@require_POST
def team_member_add(request, slug: str):
    require_admin(request.user)
    team = selectors.team_get(user=request.user, slug=slug)
    form = MemberAddForm(request.POST, team=team)
    if not form.is_valid():
        return team_detail(request, slug=slug, member_form=form, status=422)
    person = form.cleaned_data["user"]
    services.membership_add(actor=request.user, team=team, user=person)
    messages.success(request, _("%(name)s joined %(team)s.") % {"name": person, "team": team})
    return redirect("accounts:team-detail", slug=team.slug)


@login_required
@require_POST
def team_member_remove(request, slug: str, user_pk: int):
    require_admin(request.user)
    team = selectors.team_get(user=request.user, slug=slug)
    person = selectors.user_get(user=request.user, pk=user_pk)
    services.membership_remove(actor=request.user, team=team, user=person)
    messages.success(request, _("%(name)s left %(team)s.") % {"name": person, "team": team})
    return redirect("accounts:team-detail", slug=team.slug)


# Tokens -----------------------------------------------------------------------------------


@login_required
def token_list(request):
    """My tokens. Creating one shows its secret in this response only; it is never stored."""
    form = TokenForm(request.POST or None)
    new_token = raw = None
    if request.method == "POST" and form.is_valid():
        try:
            new_token, raw = services.token_create(
                actor=request.user, user=request.user, name=form.cleaned_data["name"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            form = TokenForm()
    context = {
        "tokens": selectors.token_list(user=request.user),
        "form": form,
        "new_token": new_token,
        "raw_token": raw,
    }
    response = render(
        request, "accounts/token_list.html", context, status=422 if form.errors else 200
    )
    if raw:
        response.headers["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = selectors.token_get_for_user(user=request.user, pk=pk)
    services.token_revoke(actor=request.user, token=token)
    messages.success(
        request, _("Token “%(name)s” revoked. It no longer works.") % {"name": token.name}
    )
    return redirect("accounts:token-list")


# Audit log ---------------------------------------------------------------------------------

AUDIT_PER_PAGE = 50


def _audit_filtered(request):
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, None
    filters = form.cleaned_data if form.is_bound else {}
    return form, selectors.audit_events(user=request.user, **filters)


@login_required
@require_GET
def audit_list(request):
    """Security events for administrators: filters, pages, and the CSV of what is shown."""
    form, events = _audit_filtered(request)
    page = Paginator(events if events is not None else [], AUDIT_PER_PAGE)
    page = page.get_page(request.GET.get("page"))
    status = 400 if events is None else 200
    context = {
        "filter_form": form,
        "page_obj": page,
        "events": page.object_list,
        "retention_days": settings.AUDIT_RETENTION_DAYS,
    }
    return render(request, "accounts/audit_list.html", context, status=status)


@login_required
@require_GET
def audit_export(request):
    form, events = _audit_filtered(request)
    if events is None:
        return audit_list(request)

    def rows():
        yield ["when", "event", "who", "address", "about", "detail"]
        for event in events.iterator(chunk_size=1000):
            yield [
                event.at.isoformat(),
                event.kind,
                event.actor_email,
                event.address or "",
                event.target,
                json.dumps(event.detail, ensure_ascii=False, sort_keys=True),
            ]

    return csv_response(rows(), "audit-log.csv")
