"""Forms of the research pages. Edit forms carry the version they were built from; the
respondent's form is built from the survey's questions. People are named by e-mail address
and companies by name, one a line (lists that would not fit a drop-down)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wavelength.catalog.models import Feature, Product
from wavelength.core.forms import VersionedForm
from wavelength.feedback.forms import FeatureChoiceField
from wavelength.feedback.models import Segment
from wavelength.portal.guard import SpamGuardForm

from .models import Audience, Question, QuestionKind, StudyMethod, StudyStatus, SurveyStatus


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


# The research repository ------------------------------------------------------------------


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StudyForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    goal = forms.CharField(
        label=_("Goal: what the study should teach us (Markdown)"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip
    method = forms.ChoiceField(label=_("Method"), choices=StudyMethod.choices)
    status = forms.ChoiceField(label=_("Status"), choices=StudyStatus.choices)
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.order_by("name"), required=False
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=_date_input())
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=_date_input())
    participants = forms.CharField(
        label=_("Participants: their e-mail addresses, one a line"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Customers' contacts; an address not known yet becomes a contact."),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        from wavelength.accounts.models import User

        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by("name")

    def values(self) -> dict:
        values = super().values()
        values["participants"] = _lines(values["participants"])
        return values


def study_initial(study) -> dict:
    names = ("title", "goal", "method", "status", "product", "owner", "starts_on", "ends_on")
    initial = {name: getattr(study, name) for name in names}
    initial["participants"] = "\n".join(c.email for c in study.participants.all())
    return initial


class NoteForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    taken_on = forms.DateField(label=_("Date"), widget=_date_input())
    participant = forms.EmailField(
        label=_("Participant's e-mail address"), required=False, max_length=254
    )
    body = forms.CharField(
        label=_("Notes (Markdown)"), widget=forms.Textarea(attrs={"rows": 14}), max_length=100_000
    )


def note_initial(note) -> dict:
    return {
        "title": note.title,
        "taken_on": note.taken_on,
        "participant": note.participant.email if note.participant else "",
        "body": note.body,
    }


class HighlightForm(forms.Form):
    quote = forms.CharField(
        label=_("Passage"), max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "data-quote-field": ""}),
        help_text=_("Select a passage of the note above, or paste it."),
    )  # fmt: skip
    tags = forms.CharField(label=_("Tags, separated by commas"), max_length=500, required=False)
    feature = FeatureChoiceField(
        label=_("Link it to the feature"), required=False,
        queryset=Feature.objects.select_related("product").order_by("product__name", "title"),
    )  # fmt: skip

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "quote": data["quote"],
            "tags": [t.strip() for t in data["tags"].split(",") if t.strip()],
            "features": [data["feature"]] if data.get("feature") else [],
        }


class HighlightLinkForm(forms.Form):
    feature = FeatureChoiceField(
        label=_("Feature"),
        queryset=Feature.objects.select_related("product").order_by("product__name", "title"),
    )


class PersonaForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description (Markdown)"), required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )  # fmt: skip
    segments = forms.MultipleChoiceField(
        label=_("Segments"), choices=Segment.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    companies = forms.CharField(
        label=_("Companies: their names, one a line"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip

    def values(self) -> dict:
        values = super().values()
        values["companies"] = _lines(values["companies"])
        return values


def persona_initial(persona) -> dict:
    return {
        "name": persona.name,
        "description": persona.description,
        "segments": persona.segments,
        "companies": "\n".join(c.name for c in persona.companies.all()),
    }


class CompetitorForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    website = forms.CharField(label=_("Website"), max_length=200, required=False)
    aliases = forms.CharField(
        label=_("Other names customers use, one a line"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Feedback naming the competitor or one of these is listed as a mention."),
    )  # fmt: skip
    notes = forms.CharField(
        label=_("Notes (Markdown)"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )

    def values(self) -> dict:
        values = super().values()
        values["aliases"] = _lines(values["aliases"])
        return values


def competitor_initial(competitor) -> dict:
    return {
        "name": competitor.name,
        "website": competitor.website,
        "aliases": "\n".join(competitor.aliases),
        "notes": competitor.notes,
    }


class ReleaseFollowUpForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Measure"),
        choices=[(k, QuestionKind(k).label) for k in (QuestionKind.CSAT, QuestionKind.NPS,
                                                       QuestionKind.CES)],
    )  # fmt: skip
    days = forms.IntegerField(
        label=_("Days after the release ships"), min_value=0, max_value=365, initial=14
    )
