"""Pages for signing in, people, teams and API tokens. Writes go through ``services``.

A refused write (``DomainError``) re-renders the form with the message on its field and status
422; ``PermissionDenied`` becomes the 403 page. Admin-only pages check the role first so a
viewer never sees a form they cannot send.
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from wavelength.core.exceptions import DomainError
from wavelength.core.forms import form_status, submit

from . import selectors, services
from .forms import (
    EmailAuthenticationForm,
    MemberAddForm,
    PersonForm,
    RoleForm,
    TeamForm,
    TokenForm,
    add_domain_error,
)
from .permissions import require_admin
from .signin import locked_out_emails

login = auth_views.LoginView.as_view(
    template_name="accounts/login.html",
    authentication_form=EmailAuthenticationForm,
    redirect_authenticated_user=True,
)
logout = auth_views.LogoutView.as_view()


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
