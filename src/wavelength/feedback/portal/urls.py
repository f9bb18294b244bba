from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.idea_list, name="idea-list"),
    path("ideas/new/", views.idea_submit, name="idea-submit"),
    path("ideas/<int:pk>/", views.idea_detail, name="idea-detail"),
    path("ideas/<int:pk>/vote/", views.idea_vote, name="idea-vote"),
    path("ideas/<int:pk>/comment/", views.idea_comment, name="idea-comment"),
    path("ideas/<int:pk>/subscribe/", views.idea_subscribe, name="idea-subscribe"),
    path("votes/<str:token>/", views.vote_confirm, name="vote-confirm"),
    path("sign-in/", views.signin, name="signin"),
    path("sign-in/<str:token>/", views.signin_confirm, name="signin-confirm"),
    path("sign-out/", views.signout, name="signout"),
    path("roadmap/", views.roadmap, name="roadmap"),
    path("changelog/", views.changelog, name="changelog"),
    path("logo/", views.logo, name="logo"),
]
