"""What the meetings app adds to other pages: the decisions sections of feature and release
pages, and the reader's action items beside their playbook steps ("my work")."""

from django.utils.translation import gettext_lazy as _

from wavelength.catalog.sections import register_section


def _feature_decisions(*, user, feature):
    from .selectors import decisions_for_feature

    return decisions_for_feature(user=user, feature=feature)


def _release_decisions(*, user, release):
    from .selectors import decisions_for_release

    return decisions_for_release(user=user, release=release)


def register() -> None:
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
