"""The portal's pages: the public ones under /portal/ and the staff's beside the feedback and
feature pages they belong to."""

from django.urls import path

from .views import public, settings

app_name = "portal"
urlpatterns = [
    path("portal/", public.idea_list, name="idea-list"),
    path("portal/ideas/new/", public.idea_submit, name="idea-submit"),
    path("portal/ideas/<int:pk>/", public.idea_detail, name="idea-detail"),
    path("portal/ideas/<int:pk>/vote/", public.idea_vote, name="idea-vote"),
    path("portal/ideas/<int:pk>/comment/", public.idea_comment, name="idea-comment"),
    path("portal/ideas/<int:pk>/subscribe/", public.idea_subscribe, name="idea-subscribe"),
    path("portal/votes/<str:token>/", public.vote_confirm, name="vote-confirm"),
    path("portal/sign-in/", public.signin, name="signin"),
    path("portal/sign-in/<str:token>/", public.signin_confirm, name="signin-confirm"),
    path("portal/sign-out/", public.signout, name="signout"),
    path("portal/roadmap/", public.roadmap, name="roadmap"),
    path("portal/changelog/", public.changelog, name="changelog"),
    path("portal/logo/", public.logo, name="logo"),
    path("feedback/portal/settings/", settings.portal_settings, name="settings"),
    path("features/<int:pk>/portal/", settings.portal_idea_edit, name="idea-edit"),
    path("features/<int:pk>/portal/votes/", settings.portal_vote_proxy, name="vote-proxy"),
]
