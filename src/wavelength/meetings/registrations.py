"""What the meetings app adds to other pages and apps: the decisions sections of feature and
release pages and the decisions panel of knowledge pages, the reader's action items beside their
playbook steps ("my work"), and comments and follows on series and meetings."""

from django.utils.translation import gettext_lazy as _

from wavelength.catalog.sections import register_section


def _feature_decisions(*, user, feature):
    from .selectors import decisions_for_feature

    return decisions_for_feature(user=user, feature=feature)


def _release_decisions(*, user, release):
    from .selectors import decisions_for_release

    return decisions_for_release(user=user, release=release)


def _page_decisions(*, user, obj):
    from .selectors import decisions_for_page

    decisions = decisions_for_page(user=user, page=obj)
    return {"decisions": decisions} if decisions else None


def _is_page(obj) -> bool:
    from wavelength.knowledge.models import Page

    return isinstance(obj, Page)


def _member(user, obj) -> bool:
    return True  # every member reads every series and meeting


def _register_comment_kinds() -> None:
    """Comments on a meeting and on a series; following a series brings its agendas and
    minutes (:func:`.services.recipients`)."""
    from wavelength.conversations.kinds import register_kind

    from . import selectors
    from .models import MeetingSeries, Occurrence

    register_kind(
        "meeting_series",
        model=MeetingSeries,
        label=_("meeting series"),
        get_for_user=selectors.series_get,
        can_see=_member,
        owners=lambda series: [series.owner],
    )
    register_kind(
        "meeting",
        model=Occurrence,
        label=_("meeting"),
        get_for_user=selectors.occurrence_get,
        can_see=_member,
        owners=lambda occurrence: [occurrence.series.owner],
    )


def register() -> None:
    from wavelength.core.panels import register_panel

    _register_comment_kinds()
    register_panel(
        "meetings.decisions",
        template="meetings/_decisions_panel.html",
        applies=_is_page,
        loader=_page_decisions,
        order=40,
    )
    register_section(
        "feature",
        "decisions",
        title=_("Decisions"),
        template="meetings/_decisions_section.html",
        loader=_feature_decisions,
        empty_text=_("No meeting has decided anything about this feature yet."),
        order=70,
    )
    register_section(
        "release",
        "decisions",
        title=_("Decisions"),
        template="meetings/_decisions_section.html",
        loader=_release_decisions,
        empty_text=_("No meeting has decided anything about this release yet."),
        order=70,
    )
    from wavelength.core.mywork import register_work

    from .selectors import my_actions

    register_work(
        "meetings.actions",
        title=_("My action items"),
        template="meetings/_my_actions.html",
        loader=my_actions,
        order=50,
    )
