from django import template

from wavelength.core.markdown import render

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    return render(text)


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs):
    """The current query string with some parameters replaced (for pagination links)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        params[key] = value
    return params.urlencode()
