"""Forms of the research pages. Edit forms carry the version they were built from; the
respondent's form is built from the survey's questions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wavelength.catalog.models import Feature, Product
from wavelength.core.forms import VersionedForm
from wavelength.feedback.models import Segment
from wavelength.portal.guard import SpamGuardForm

from .models import Audience, Question, QuestionKind, SurveyStatus


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class SurveyForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    title_fr = forms.CharField(label=_("Title in French"), max_length=200, required=False)
    intro = forms.CharField(
        label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    intro_fr = forms.CharField(
        label=_("Introduction in French"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.all(), required=False
    )
    feature = forms.ModelChoiceField(
        label=_("About the feature"),
        required=False,
        queryset=Feature.objects.select_related("product").order_by("product__name", "title"),
    )
    follow_up_days = forms.IntegerField(
        label=_("Send it this many days after the feature reaches general availability"),
        required=False,
        min_value=0,
        max_value=365,
    )
    status = forms.ChoiceField(label=_("Status"), choices=SurveyStatus.choices)
    anonymous = forms.BooleanField(
        label=_("Anonymous: keep no contact with the answers"), required=False
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    quota = forms.IntegerField(label=_("Quota of responses"), required=False, min_value=1)


def survey_initial(survey) -> dict:
    fields = (
        "title",
        "title_fr",
        "intro",
        "intro_fr",
        "product",
        "feature",
        "follow_up_days",
        "status",
        "anonymous",
        "closes_at",
        "quota",
    )
    return {name: getattr(survey, name) for name in fields}


class QuestionForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Type"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Question"), max_length=300)
    text_fr = forms.CharField(label=_("Question in French"), max_length=300, required=False)
    follow_up = forms.CharField(label=_("Follow-up question (NPS)"), max_length=300, required=False)
    follow_up_fr = forms.CharField(label=_("Follow-up in French"), max_length=300, required=False)
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    choices = forms.CharField(
        label=_("Choices, one a line"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    choices_fr = forms.CharField(
        label=_("Choices in French, one a line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    scale_max = forms.IntegerField(
        label=_("Highest rating"), min_value=2, max_value=10, initial=5, required=False
    )
    show_if = forms.ModelChoiceField(
        label=_("Show only after the question"), required=False, queryset=Question.objects.none()
    )
    show_if_values = forms.CharField(
        label=_("…when its answer is one of"),
        required=False,
        max_length=500,
        help_text=_("Separate the answers with commas, for example 0, 1, 2, 3, 4, 5, 6."),
    )

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["show_if"].queryset = survey.questions.order_by("position")

    def values(self) -> dict:
        values = super().values()
        values["choices"] = _lines(values["choices"])
        values["choices_fr"] = _lines(values["choices_fr"])
        values["show_if_values"] = [
            v.strip() for v in values["show_if_values"].split(",") if v.strip()
        ]
        values["scale_max"] = values.get("scale_max") or 5
        return values


def question_initial(question) -> dict:
    return {
        "kind": question.kind,
        "text": question.text,
        "text_fr": question.text_fr,
        "follow_up": question.follow_up,
        "follow_up_fr": question.follow_up_fr,
        "required": question.required,
        "choices": "\n".join(question.choices),
        "choices_fr": "\n".join(question.choices_fr),
        "scale_max": question.scale_max,
        "show_if": question.show_if_id,
        "show_if_values": ", ".join(question.show_if_values),
    }


class DistributionForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("Send to"), choices=Audience.choices, widget=forms.RadioSelect
    )
    segments = forms.MultipleChoiceField(
        label=_("Segments"),
        choices=Segment.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    plan = forms.CharField(label=_("Plan"), max_length=60, required=False)
    min_arr = forms.DecimalField(label=_("Revenue at least"), required=False, min_value=0)
    max_arr = forms.DecimalField(label=_("Revenue at most"), required=False, min_value=0)
    feature = forms.ModelChoiceField(
        label=_("Customers who asked for"),
        required=False,
        queryset=Feature.objects.select_related("product").order_by("product__name", "title"),
    )
    emails = forms.CharField(
        label=_("E-mail addresses (CSV: an “email” column, or one address a line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    language = forms.ChoiceField(
        label=_("Language of the e-mail and the survey"),
        choices=[("en", "English"), ("fr", "Français")],
    )


class FilterForm(forms.Form):
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    segment = forms.ChoiceField(
        label=_("Segment"),
        required=False,
        choices=[("", _("All segments")), *Segment.choices, ("none", _("No segment"))],
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("All languages")), ("en", "English"), ("fr", "Français")],
    )


class RespondForm(SpamGuardForm):
    """The respondent's form: one field per question (and the NPS follow-up), named
    ``q<id>`` and ``q<id>_text``; the service checks the answers and the logic."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions

    def answers(self) -> dict:
        data, answers = self.data, {}
        for q in self.questions:
            name = f"q{q.pk}"
            value = data.getlist(name) if q.kind == QuestionKind.MULTIPLE else data.get(name)
            answers[q.pk] = {"value": value, "text": data.get(f"{name}_text", "")}
        return answers
