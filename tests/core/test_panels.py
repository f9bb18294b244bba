"""Object panels: apps above an object's app add panels to its page without being imported."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from wavelength.core import panels

pytestmark = pytest.mark.django_db


class Thing:
    pk = 3


@pytest.fixture
def registered():
    panels.register_panel(
        "test-hello",
        template="includes/empty_state.html",
        applies=lambda obj: isinstance(obj, Thing),
        loader=lambda *, user, obj: {"title": f"Hello {obj.pk} {user.name}", "text": "there"},
        order=1,
    )
    panels.register_panel(
        "test-hidden",
        template="includes/empty_state.html",
        applies=lambda obj: True,
        loader=lambda *, user, obj: None,  # nothing to show: no panel
    )
    yield
    panels.unregister_panel("test-hello")
    panels.unregister_panel("test-hidden")


def test_the_tag_renders_the_panels_that_apply(registered, editor):
    request = RequestFactory().get("/")
    request.user = editor
    template = Template("{% load wavelength %}{% object_panels obj %}")
    html = template.render(Context({"request": request, "obj": Thing()}))
    assert "Hello 3 Bob Editor" in html
    assert "Hello" not in template.render(Context({"request": request, "obj": object()}))


def test_panels_for_skips_those_that_do_not_apply(registered, editor):
    keys = [p.key for p, _ctx in panels.panels_for(user=editor, obj=object())]
    assert "test-hello" not in keys and "test-hidden" not in keys
