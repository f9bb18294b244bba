"""What training adds to other pages: the reader's assigned courses on "my work"."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from wavelength.core.mywork import register_work

    from .selectors import my_open_assignments

    register_work(
        "training.assignments",
        title=_("My courses to take"),
        template="training/_my_assignments.html",
        loader=my_open_assignments,
        order=60,
    )
