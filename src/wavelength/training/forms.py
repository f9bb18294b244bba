"""Forms of the training pages. Edit forms carry the version they were built from."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wavelength.accounts.models import Role, Team, User
from wavelength.catalog.models import Feature, Release
from wavelength.core.forms import VersionedForm
from wavelength.knowledge.models import Page

from .models import Course, LessonKind, QuestionKind


def _people():
    return User.objects.filter(is_active=True).order_by("name", "email")


def _date():
    return forms.DateInput(attrs={"type": "date"})


class CourseForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=_people())
    duration_minutes = forms.IntegerField(
        label=_("Estimated duration (minutes)"), min_value=1, max_value=6000, initial=30
    )
    audience_teams = forms.ModelMultipleChoiceField(
        label=_("Audience: teams"), required=False, queryset=Team.objects.all()
    )
    audience_roles = forms.MultipleChoiceField(
        label=_("Audience: roles"), required=False, choices=Role.choices
    )
    features = forms.ModelMultipleChoiceField(
        label=_("Features"), required=False, queryset=Feature.objects.select_related("product")
    )
    releases = forms.ModelMultipleChoiceField(
        label=_("Releases"), required=False, queryset=Release.objects.select_related("product")
    )


def course_initial(course: Course) -> dict:
    return {
        "title": course.title,
        "summary": course.summary,
        "owner": course.owner_id,
        "duration_minutes": course.duration_minutes,
        "audience_teams": [t.pk for t in course.audience_teams.all()],
        "audience_roles": list(course.audience_roles),
        "features": [f.pk for f in course.features.all()],
        "releases": [r.pk for r in course.releases.all()],
    }


class LessonForm(VersionedForm):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("A page lesson takes the page's title when left empty."),
    )
    kind = forms.ChoiceField(label=_("Lesson"), choices=LessonKind.choices)
    page = forms.ModelChoiceField(
        label=_("Knowledge page"), required=False, queryset=Page.objects.none()
    )
    body = forms.CharField(
        label=_("Text (Markdown)"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    features = forms.ModelMultipleChoiceField(
        label=_("Features"), required=False, queryset=Feature.objects.select_related("product")
    )
    releases = forms.ModelMultipleChoiceField(
        label=_("Releases"), required=False, queryset=Release.objects.select_related("product")
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["page"].queryset = Page.objects.visible_to(user).order_by("title")


class QuizForm(VersionedForm):
    pass_mark = forms.IntegerField(label=_("Pass mark (%)"), min_value=0, max_value=100, initial=80)
    max_attempts = forms.IntegerField(
        label=_("Attempts allowed (0: no limit)"), min_value=0, max_value=100, initial=3
    )


class QuestionForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}))
    choices = forms.CharField(
        label=_("Answers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One a line; start the correct ones with *. For true/false, write * true or * false."
        ),
    )
    explanation = forms.CharField(
        label=_("Explanation (shown after submitting)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def parsed_choices(self) -> tuple[list[tuple[str, bool]], bool]:
        """The answers as (text, correct), and for true/false whether "true" is correct."""
        out = []
        for line in (self.cleaned_data.get("choices") or "").splitlines():
            line = line.strip()
            if line:
                correct = line.startswith("*")
                out.append((line.lstrip("*").strip(), correct))
        right = [t.casefold() for t, c in out if c]
        return out, not right or right[0] in ("true", "vrai")


def question_initial(question) -> dict:
    lines = [("* " if c["correct"] else "") + c["text"] for c in question.choices]
    return {
        "kind": question.kind,
        "text": question.text,
        "explanation": question.explanation,
        "choices": "\n".join(lines),
    }


class AssignForm(forms.Form):
    due_on = forms.DateField(label=_("Due date"), widget=_date())
    users = forms.ModelMultipleChoiceField(label=_("People"), required=False, queryset=_people())
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"), required=False, queryset=Team.objects.all()
    )
    roles = forms.MultipleChoiceField(label=_("Roles"), required=False, choices=Role.choices)


class CertificationForm(VersionedForm):
    name = forms.CharField(label=_("Certification"), max_length=200)
    valid_days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=3650, initial=365
    )
    warn_days = forms.IntegerField(
        label=_("Renewal notice (days)"), min_value=0, max_value=3650, initial=30
    )


class PathForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    courses = forms.CharField(
        label=_("Courses, in order"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One course title a line, in the order they are taken."),
    )


class EnablementGateForm(VersionedForm):
    min_percent = forms.IntegerField(
        label=_("People ready (%)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Empty: enablement is not part of this product's release gate."),
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams that must be ready"), required=False, queryset=Team.objects.all()
    )
    owner = forms.ModelChoiceField(
        label=_("Enablement owner"),
        required=False,
        queryset=_people(),
        help_text=_(
            "Drafts an enablement course for them when a feature reaches beta or general "
            "availability, or a release is in progress."
        ),
    )


class EnablementForm(VersionedForm):
    teams = forms.ModelMultipleChoiceField(label=_("Teams to enable"), queryset=Team.objects.all())
    due_on = forms.DateField(label=_("Due date"), widget=_date())


class ImportForm(forms.Form):
    archive = forms.FileField(
        label=_("Zip of Markdown files"),
        help_text=_(
            "course.md, then a file per lesson (01-title.md), its quiz (01-title.quiz.md) and "
            "the final quiz (quiz.md), as a course's download gives them."
        ),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Image or file"))
