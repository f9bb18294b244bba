from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("login/code/", views.login_code, name="login-code"),
    path("logout/", views.logout, name="logout"),
    path("two-factor/", views.two_factor, name="two-factor"),
    path("two-factor/set-up/", views.two_factor_begin, name="two-factor-begin"),
    path("two-factor/confirm/", views.two_factor_confirm, name="two-factor-confirm"),
    path(
        "two-factor/recovery-codes/",
        views.two_factor_recovery_codes,
        name="two-factor-recovery-codes",
    ),
    path("two-factor/off/", views.two_factor_disable, name="two-factor-disable"),
    path("two-factor/policy/", views.security_policy_edit, name="security-policy-edit"),
    path("people/", views.user_list, name="user-list"),
    path("people/new/", views.user_create, name="user-create"),
    path("people/<int:pk>/role/", views.user_role, name="user-role"),
    path("people/<int:pk>/manager/", views.user_manager, name="user-manager"),
    path("people/<int:pk>/unlock/", views.user_unlock, name="user-unlock"),
    path(
        "people/<int:pk>/two-factor-reset/",
        views.user_two_factor_reset,
        name="user-two-factor-reset",
    ),
    path("teams/", views.team_list, name="team-list"),
    path("teams/new/", views.team_create, name="team-create"),
    path("teams/<slug:slug>/", views.team_detail, name="team-detail"),
    path("teams/<slug:slug>/edit/", views.team_edit, name="team-edit"),
    path("teams/<slug:slug>/members/", views.team_member_add, name="team-member-add"),
    path(
        "teams/<slug:slug>/members/<int:user_pk>/remove/",
        views.team_member_remove,
        name="team-member-remove",
    ),
    path("tokens/", views.token_list, name="token-list"),
    path("audit/", views.audit_list, name="audit-list"),
    path("audit/audit-log.csv", views.audit_export, name="audit-export"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
]
