"""Where comments show: a section of the feature and release pages (the catalog's section
registry) and a panel of every other commentable object's page (core's panel registry)."""

from django.utils.translation import gettext_lazy as _

from . import kinds, selectors


def _panel_context(*, user, obj) -> dict | None:
    panel = selectors.comment_panel(user=user, obj=obj)
    return {"panel": panel} if panel is not None else None


def _section_loader(page: str):
    def loader(*, user, **objects):
        panel = selectors.comment_panel(user=user, obj=objects[page])
        return [panel] if panel is not None else []

    return loader


def register() -> None:
    from wavelength.catalog.sections import register_section
    from wavelength.core.panels import register_panel

    for page in ("feature", "release"):
        register_section(
            page,
            "comments",
            title=_("Comments"),
            template="conversations/_section.html",
            loader=_section_loader(page),
            count=lambda items: items[0].count,
            order=90,
        )
    register_panel(
        "comments",
        template="conversations/_panel.html",
        # Features and releases have their section already.
        applies=lambda obj: (
            kinds.kind_of(obj) is not None and kinds.kind_of(obj).key not in ("feature", "release")
        ),
        loader=_panel_context,
        order=50,
    )
