"""Surveys: a survey's questions (NPS, CSAT, CES, choices, ratings, text) with their logic,
the people invited to it, and the responses with one answer per question.

Texts are kept in English and French (``*_fr``, empty: the English text is shown). A response
to an anonymous survey holds no contact, company, address or IP.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from wavelength.core import clock


def month_of(when) -> "dt.date":
    """The first day of ``when``'s month, in UTC."""
    return when.astimezone(dt.UTC).date().replace(day=1)


def new_token() -> str:
    return secrets.token_urlsafe(16)


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class QuestionKind(models.TextChoices):
    NPS = "nps", _("Net Promoter Score (0–10)")
    CSAT = "csat", _("Satisfaction, CSAT (1–5)")
    CES = "ces", _("Customer effort, CES (1–7)")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    RATING = "rating", _("Rating")
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")


# The fixed scales; a rating runs from 1 to the question's ``scale_max``.
SCALES = {QuestionKind.NPS: (0, 10), QuestionKind.CSAT: (1, 5), QuestionKind.CES: (1, 7)}
SCORED = (QuestionKind.NPS, QuestionKind.CSAT, QuestionKind.CES)
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
TEXT_KINDS = (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT)


def in_language(english: str, french: str) -> str:
    """The French text when French is active and there is one, else the English."""
    return french if french and translation.get_language() == "fr" else english


class Survey(models.Model):
    title = models.CharField(_("title"), max_length=200)
    title_fr = models.CharField(_("title in French"), max_length=200, blank=True)
    intro = models.TextField(_("introduction"), blank=True)
    intro_fr = models.TextField(_("introduction in French"), blank=True)
    product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="surveys"
    )
    # A survey about a shipped feature: its result is the feature's measured outcome.
    feature = models.ForeignKey(
        "catalog.Feature", null=True, blank=True, on_delete=models.SET_NULL, related_name="surveys"
    )
    # Scheduled from a release: sent this many days after the release ships.
    release = models.ForeignKey(
        "catalog.Release", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="follow_up_surveys",
    )  # fmt: skip
    # Sent by itself this many days after the feature reaches general availability (or, with
    # a release, after the release ships).
    follow_up_days = models.PositiveSmallIntegerField(_("days after general availability"),
                                                      null=True, blank=True)  # fmt: skip
    follow_up_sent_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    anonymous = models.BooleanField(_("anonymous"), default=False)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    quota = models.PositiveIntegerField(_("quota of responses"), null=True, blank=True)
    public_token = models.CharField(max_length=40, unique=True, default=new_token)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    VERSION_FIELDS = [
        "title", "title_fr", "intro", "intro_fr", "product", "feature", "release",
        "follow_up_days", "status", "anonymous", "closes_at", "quota",
    ]  # fmt: skip
    TRACKED = VERSION_FIELDS

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("survey")
        indexes = [models.Index(fields=["status", "created_at"], name="survey_status_created")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("research:survey-detail", args=[self.pk])

    @property
    def shown_title(self) -> str:
        return in_language(self.title, self.title_fr)

    @property
    def shown_intro(self) -> str:
        return in_language(self.intro, self.intro_fr)


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(_("type"), max_length=12, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=300)
    text_fr = models.CharField(_("question in French"), max_length=300, blank=True)
    # An NPS question's follow-up ("What is the main reason for your score?").
    follow_up = models.CharField(_("follow-up question"), max_length=300, blank=True)
    follow_up_fr = models.CharField(_("follow-up in French"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=False)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    choices_fr = models.JSONField(_("choices in French"), default=list, blank=True)
    scale_max = models.PositiveSmallIntegerField(_("highest rating"), default=5)
    # Logic: shown only when the answer to an earlier question is one of ``show_if_values``.
    show_if = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="dependents"
    )
    show_if_values = models.JSONField(_("shown for the answers"), default=list, blank=True)

    VERSION_FIELDS = [
        "position", "kind", "text", "text_fr", "follow_up", "follow_up_fr", "required",
        "choices", "choices_fr", "scale_max", "show_if", "show_if_values",
    ]  # fmt: skip
    TRACKED = VERSION_FIELDS

    class Meta:
        ordering = ["survey", "position", "id"]
        verbose_name = _("question")
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="question_unique_position")
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def scale(self) -> tuple[int, int] | None:
        if self.kind == QuestionKind.RATING:
            return (1, self.scale_max)
        return SCALES.get(self.kind)

    @property
    def shown_text(self) -> str:
        return in_language(self.text, self.text_fr)

    @property
    def shown_follow_up(self) -> str:
        return in_language(self.follow_up, self.follow_up_fr)

    @property
    def shown_choices(self) -> list[tuple[str, str]]:
        """(value, label) pairs: the value is the English choice, the label in the language."""
        french = self.choices_fr if len(self.choices_fr) == len(self.choices) else []
        labels = french if french and translation.get_language() == "fr" else self.choices
        return list(zip(self.choices, labels, strict=False))


class Audience(models.TextChoices):
    SEGMENT = "segment", _("Companies of a segment, plan or revenue")
    FEATURE = "feature", _("The customers who asked for a feature")
    LIST = "list", _("A list of e-mail addresses (CSV)")


class Distribution(models.Model):
    """One sending of a survey by e-mail: whom it chose and how many it invited."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="distributions")
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    criteria = models.JSONField(default=dict, blank=True)
    invited = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)  # unsubscribed or invited before
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("distribution")

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.audience} ({self.invited})"


class Invitation(models.Model):
    """A personal link: one contact, one response. A survey sent again (a quarterly NPS)
    invites a contact again once their earlier invitation was answered."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    distribution = models.ForeignKey(
        Distribution, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations"
    )
    contact = models.ForeignKey(
        "feedback.Contact", on_delete=models.CASCADE, related_name="survey_invitations"
    )
    token = models.CharField(max_length=40, unique=True, default=new_token)
    language = models.CharField(max_length=8, default="en")
    created_at = models.DateTimeField(default=clock.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["survey", "id"]
        indexes = [
            models.Index(fields=["survey", "responded_at"], name="invitation_responded"),
            models.Index(fields=["survey", "contact"], name="invitation_contact"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} → {self.contact_id}"


class Response(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="response"
    )
    contact = models.ForeignKey(
        "feedback.Contact", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="survey_responses",
    )  # fmt: skip
    company = models.ForeignKey(
        "feedback.Company", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="survey_responses",
    )  # fmt: skip
    segment = models.CharField(max_length=16, blank=True)
    language = models.CharField(max_length=8, blank=True)
    # The answer to the survey's first NPS, CSAT or CES question, kept here for the results.
    score = models.SmallIntegerField(null=True, blank=True)
    submitted_at = models.DateTimeField(default=clock.now)
    # The first day of the month (UTC) it was submitted in: the trend groups on it without a
    # date function per row.
    month = models.DateField()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("response")
        indexes = [
            models.Index(fields=["survey", "submitted_at"], name="response_survey_submitted"),
            # Covering the results' GROUP BYs: they read the index, not the rows.
            models.Index(fields=["survey", "month", "score"], name="response_survey_month"),
            models.Index(fields=["survey", "segment", "score"], name="response_segment"),
            models.Index(fields=["survey", "score"], name="response_survey_score"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.submitted_at:%Y-%m-%d} ({self.score})"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    number = models.SmallIntegerField(null=True, blank=True)
    choices = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True)
    # The open-text answer as an item of the feedback inbox.
    feedback = models.ForeignKey(
        "feedback.Feedback", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="survey_answers",
    )  # fmt: skip

    class Meta:
        ordering = ["response", "question__position"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_unique_question")
        ]
        indexes = [models.Index(fields=["question", "number"], name="answer_question_number")]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"
