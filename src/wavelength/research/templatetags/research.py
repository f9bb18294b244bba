"""Template tags of the respondent's page: one question's field, as it was posted."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()

ENDS = {
    "nps": (lambda: _("Not at all likely"), lambda: _("Extremely likely")),
    "csat": (lambda: _("Very unsatisfied"), lambda: _("Very satisfied")),
    "ces": (lambda: _("Very difficult"), lambda: _("Very easy")),
}


@register.filter
def error_for(errors: dict, key: str) -> str:
    return (errors or {}).get(key, "")


@register.inclusion_tag("research/_question.html")
def question_field(question, posted, errors):
    name = f"q{question.pk}"
    chosen = posted.getlist(name) if hasattr(posted, "getlist") else []
    low, high = ENDS.get(question.kind, (lambda: "", lambda: ""))
    scale = question.scale
    return {
        "q": question,
        "scale": range(scale[0], scale[1] + 1) if scale else None,
        "chosen": chosen,
        "text": posted.get(f"{name}_text" if scale else name, "") if posted else "",
        "error": (errors or {}).get(f"answers.{question.pk}", ""),
        "low_label": low(),
        "high_label": high(),
    }
