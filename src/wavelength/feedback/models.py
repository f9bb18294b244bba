"""Voice of the customer: companies, their contacts, feedback and its links to features."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wavelength.core import clock


class Segment(models.TextChoices):
    STARTUP = "startup", _("Start-up")
    SMB = "smb", _("Small business")
    MID_MARKET = "mid_market", _("Mid-market")
    ENTERPRISE = "enterprise", _("Enterprise")


class Health(models.TextChoices):
    GOOD = "good", _("Good")
    AT_RISK = "at_risk", _("At risk")
    POOR = "poor", _("Poor")


class Company(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    domains = models.JSONField(_("domains"), default=list, blank=True)
    segment = models.CharField(_("segment"), max_length=16, choices=Segment.choices, blank=True)
    plan = models.CharField(_("plan"), max_length=60, blank=True)
    arr = models.DecimalField(
        _("annual recurring revenue"), max_digits=14, decimal_places=2, default=0
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_companies",
    )
    health = models.CharField(
        _("health"), max_length=10, choices=Health.choices, default=Health.GOOD
    )
    # The name without case, accents, punctuation or legal form (see feedback.matching): two
    # companies with one key are one customer.
    match_key = models.CharField(max_length=200, blank=True, db_index=True)
    # Set when this company was merged into another (see feedback.services.merge).
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_companies"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    TRACKED = ["name", "domains", "segment", "plan", "arr", "owner", "health"]

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        indexes = [
            models.Index(fields=["segment", "arr"], name="company_segment_arr"),
            models.Index(fields=["arr"], name="company_arr"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("feedback:company-detail", args=[self.pk])


class Contact(models.Model):
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), unique=True)
    # Set by the unsubscribe link of a close-the-loop message; never cleared by the app.
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["name", "email"]
        verbose_name = _("contact")

    def __str__(self) -> str:
        return self.name or self.email


class Theme(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")

    def __str__(self) -> str:
        return self.name


class Source(models.TextChoices):
    WEB = "web", _("Web form")
    PORTAL = "portal", _("Portal")
    API = "api", _("API")
    EMAIL = "email", _("E-mail")
    CSV = "csv", _("CSV import")
    SUPPORT = "support", _("Support ticket")
    SALES = "sales", _("Sales call note")
    SURVEY = "survey", _("Survey answer")
    RESEARCH = "research", _("Research highlight")
    APP_STORE = "app_store", _("App-store review")


class FeedbackType(models.TextChoices):
    BUG = "bug", _("Bug")
    FEATURE_REQUEST = "feature_request", _("Feature request")
    IMPROVEMENT = "improvement", _("Improvement")
    QUESTION = "question", _("Question")
    PRAISE = "praise", _("Praise")
    COMPLAINT = "complaint", _("Complaint")


class Sentiment(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    NEUTRAL = "neutral", _("Neutral")
    POSITIVE = "positive", _("Positive")


class Status(models.TextChoices):
    NEW = "new", _("New")
    TRIAGED = "triaged", _("Triaged")
    LINKED = "linked", _("Linked")
    ARCHIVED = "archived", _("Archived")


class FeedbackQuerySet(models.QuerySet):
    def with_relations(self):
        """Everything an inbox row shows, in a fixed number of queries."""
        return self.select_related("contact__company", "company", "theme").prefetch_related(
            "tags", "links__feature"
        )


class Feedback(models.Model):
    title = models.CharField(_("title"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.WEB
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    received_at = models.DateTimeField(_("received"), default=clock.now)
    language = models.CharField(_("language"), max_length=8, blank=True)
    type = models.CharField(_("type"), max_length=16, choices=FeedbackType.choices, blank=True)
    sentiment = models.CharField(
        _("sentiment"), max_length=10, choices=Sentiment.choices, blank=True
    )
    # The item this one was merged into as a duplicate (it then leaves the inbox).
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_items"
    )
    # Set when the type was suggested by the triage model; None once a person decided it.
    type_confidence = models.FloatField(_("type confidence"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    tags = models.ManyToManyField("catalog.Tag", blank=True, related_name="feedback")
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    external_id = models.CharField(_("external id"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    objects = FeedbackQuerySet.as_manager()

    TRACKED = ["title", "type", "sentiment", "status", "language", "theme", "tags"]

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="feedback_unique_external_id",
            )
        ]
        indexes = [
            models.Index(fields=["status", "received_at"], name="feedback_status_received"),
            # The triage queue by type ("new bugs"): counted and listed from the index alone.
            models.Index(
                fields=["status", "type", "received_at"], name="feedback_status_type_received"
            ),
            models.Index(fields=["source", "received_at"], name="feedback_source_received"),
            models.Index(fields=["type", "received_at"], name="feedback_type_received"),
            models.Index(fields=["sentiment", "received_at"], name="feedback_sentiment_received"),
            models.Index(fields=["theme", "received_at"], name="feedback_theme_received"),
            models.Index(fields=["company", "received_at"], name="feedback_company_received"),
            models.Index(fields=["language", "received_at"], name="feedback_language_received"),
            models.Index(fields=["received_at"], name="feedback_received"),
        ]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse("feedback:feedback-detail", args=[self.pk])

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        first = " ".join(self.text.split())
        return first[:80] + ("…" if len(first) > 80 else "")


class Importance(models.TextChoices):
    NICE_TO_HAVE = "nice_to_have", _("Nice to have")
    IMPORTANT = "important", _("Important")
    CRITICAL = "critical", _("Critical")


IMPORTANCE_RANK = {Importance.NICE_TO_HAVE: 1, Importance.IMPORTANT: 2, Importance.CRITICAL: 3}


class FeedbackLink(models.Model):
    """One piece of evidence: a feedback item (or an exact quote of it) asks for a feature."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="links")
    feature = models.ForeignKey(
        "catalog.Feature", on_delete=models.CASCADE, related_name="feedback_links"
    )
    importance = models.CharField(
        _("importance"), max_length=16, choices=Importance.choices, default=Importance.IMPORTANT
    )
    quote = models.TextField(_("quote"), blank=True, max_length=1000)
    quote_start = models.PositiveIntegerField(null=True, blank=True)
    quote_end = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("feedback link")
        constraints = [
            models.UniqueConstraint(
                fields=["feedback", "feature", "quote"], name="feedbacklink_unique_quote"
            )
        ]
        indexes = [models.Index(fields=["feature", "created_at"], name="feedbacklink_feature")]

    def __str__(self) -> str:
        return f"{self.feedback_id} → {self.feature_id}"


class FeatureDemand(models.Model):
    """A feature's demand figures, kept in the transaction of every write that changes them
    (``services/demand.py``, called from ``receivers.py``): the items linked to it, those from
    support, the counted portal votes, the companies asking (each once, whether it wrote or
    voted) and their revenue. Lists and tables read these instead of counting per feature."""

    # Removed by the receivers once its feature is gone: a cascade would race with the
    # recount that the deleted feature's own links and votes ask for.
    feature = models.OneToOneField(
        "catalog.Feature",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="demand",
    )
    items = models.PositiveIntegerField(default=0)
    support_items = models.PositiveIntegerField(default=0)
    votes = models.PositiveIntegerField(default=0)
    companies = models.PositiveIntegerField(default=0)
    revenue = models.DecimalField(max_digits=20, decimal_places=2, default=0)

    FIGURES = ["items", "support_items", "votes", "companies", "revenue"]

    class Meta:
        indexes = [models.Index(fields=["-revenue", "feature"], name="featuredemand_revenue")]

    def __str__(self) -> str:
        return f"{self.feature_id}: {self.items} items, {self.votes} votes"


class TriageModel(models.Model):
    """A triage engine trained on the workspace's own decisions; the newest one is used."""

    data = models.BinaryField()
    examples = models.PositiveIntegerField(default=0)
    trained = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"triage model of {self.created_at:%Y-%m-%d %H:%M} ({self.examples} examples)"


class TextVector(models.Model):
    """A text's sentence embedding, made once by a background job and read by every process
    (``triage.DatabaseVectorStore``): by the model that made it and the SHA-256 of the text."""

    model = models.CharField(max_length=80)
    digest = models.CharField(max_length=64)
    vector = models.BinaryField()  # float32, little-endian
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model", "digest"], name="feedback_textvector_key")
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.digest[:12]}"


class CompanyMerge(models.Model):
    """``source`` was merged into ``target``: which rows of every table moved, and the domains
    the target gained, so that undoing puts each back where it was."""

    source = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="merges_made")
    target = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="merges_received")
    # ``{"app_label.model.field": [ids]}``: the rows that pointed at the source and now point at
    # the target; rows the target already had an equivalent of stay with the source.
    moved = models.JSONField(default=dict, blank=True)
    moved_domains = models.JSONField(default=list, blank=True)
    # ``{field: value before}`` for the target's empty details the source's filled in.
    filled = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("company merge")

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id}"

    @property
    def moved_count(self) -> int:
        return sum(len(ids) for ids in self.moved.values())


class FeedbackMerge(models.Model):
    """``duplicate`` was merged into ``survivor``: the links the survivor gained and the
    duplicate's status before, so that undoing puts everything back."""

    survivor = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="merges_received")
    duplicate = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="merges_made")
    copied_link_ids = models.JSONField(default=list, blank=True)
    previous_status = models.CharField(max_length=10)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("feedback merge")

    def __str__(self) -> str:
        return f"{self.duplicate_id} → {self.survivor_id}"
