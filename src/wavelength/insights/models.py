"""Saved views of the dashboard and lists, the weekly report's subscribers, and the reports
generated for them. The figures themselves are read live from the other apps (selectors.py);
a report keeps the figures it was sent with, so what a person read stays as it was."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wavelength.core import clock


class ViewPage(models.TextChoices):
    """The pages whose filters a view can keep (each a URL name and its query string)."""

    DASHBOARD = "insights:dashboard", _("Decision dashboard")
    INBOX = "feedback:feedback-list", _("Feedback inbox")
    ROADMAP = "planning:roadmap", _("Roadmap")
    DEFECTS = "quality:defect-list", _("Defects")
    FEATURES = "catalog:feature-list", _("Features")


class SavedView(models.Model):
    """A page with its filters, kept under a name. Shared with a team, its members see it in
    their list too; whoever opens it sees the data their own role lets them see."""

    name = models.CharField(_("name"), max_length=120)
    page = models.CharField(_("page"), max_length=40, choices=ViewPage.choices)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("shared with"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="saved_views",
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    TRACKED = ["name", "page", "filters", "team"]

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("saved view")
        indexes = [
            models.Index(fields=["owner", "name"], name="savedview_owner"),
            models.Index(fields=["team", "name"], name="savedview_team"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("insights:view-open", args=[self.pk])

    def address(self) -> str:
        """The page with its filters (in a fixed order: the database may not keep it)."""
        from django.utils.http import urlencode

        query = urlencode(sorted(self.filters.items()))
        return reverse(self.page) + (f"?{query}" if query else "")


class ReportSubscription(models.Model):
    """A person who receives the weekly product-ops report, narrowed to a product or a team."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_subscription"
    )
    active = models.BooleanField(_("send me the weekly report"), default=True)
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(default=clock.now)

    TRACKED = ["active", "product", "team"]

    class Meta:
        verbose_name = _("weekly report subscription")
        indexes = [models.Index(fields=["active"], name="reportsub_active")]

    def __str__(self) -> str:
        return f"{self.user_id}: {'on' if self.active else 'off'}"


class WeeklyReport(models.Model):
    """The report of one week (Monday to Sunday) as one person was sent it: the figures they
    could see then, kept as they were."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_reports"
    )
    week_start = models.DateField(_("week of"))
    figures = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=clock.now)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-week_start", "-id"]
        verbose_name = _("weekly report")
        constraints = [
            models.UniqueConstraint(fields=["user", "week_start"], name="weeklyreport_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.week_start}"

    def get_absolute_url(self) -> str:
        return reverse("insights:report-detail", args=[self.pk])


# Pre-aggregated figures (summaries.py) --------------------------------------------------------


class FeedbackDaily(models.Model):
    """How many feedback items were received on ``day`` with each ``value`` of a ``dimension``
    (source, sentiment, customer segment), for everyone (product 0, team 0) or among the
    items linked to a feature of a product, of a team, or of both: the dashboard sums these
    instead of reading every item. Rebuilt a day at a time from the items (summaries.py)."""

    day = models.DateField()
    product_id = models.IntegerField(default=0)  # 0: every product
    team_id = models.IntegerField(default=0)  # 0: every team
    dimension = models.CharField(max_length=12)
    value = models.CharField(max_length=40, blank=True)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product_id", "team_id", "dimension", "day", "value"],
                name="feedbackdaily_unique",
            )
        ]
        indexes = [models.Index(fields=["day"], name="feedbackdaily_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.dimension}={self.value}: {self.count}"


class LeadTime(models.Model):
    """A feature's arrival in general availability, one row each time it entered it: how many
    days after its first request (the earliest feedback linked to it, when that came before)
    and how many days it had spent in each stage by then. The dashboard averages these rows
    instead of reading every stage entry and every request (summaries.py)."""

    STAGES = ("idea", "discovery", "planned", "in_development", "beta", "generally_available",
              "deprecated")  # fmt: skip

    feature = models.ForeignKey("catalog.Feature", on_delete=models.CASCADE, related_name="+")
    reached_at = models.DateTimeField()
    previous_at = models.DateTimeField(null=True)  # its arrival before this one, if any
    lead_days = models.FloatField(null=True)
    days_idea = models.FloatField(null=True)
    days_discovery = models.FloatField(null=True)
    days_planned = models.FloatField(null=True)
    days_in_development = models.FloatField(null=True)
    days_beta = models.FloatField(null=True)
    days_generally_available = models.FloatField(null=True)  # before a return from deprecation
    days_deprecated = models.FloatField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["reached_at"], name="leadtime_reached"),
            models.Index(fields=["feature", "reached_at"], name="leadtime_feature"),
        ]

    def __str__(self) -> str:
        return f"{self.feature_id}: {self.reached_at:%Y-%m-%d}"

    @staticmethod
    def days_in(stage: str) -> str:
        """The field holding the days spent in ``stage``."""
        return f"days_{stage}"


class StaleDay(models.Model):
    """A day whose feedback changed since its summary was made; ``ALL``: every day."""

    ALL = dt.date(1, 1, 1)
    day = models.DateField(unique=True)

    def __str__(self) -> str:
        return str(self.day)


class StaleFeature(models.Model):
    """A feature whose asking companies, their revenue, its stage entries or the dates of the
    feedback asking for it changed; ``ALL`` (0): every one."""

    ALL = 0
    feature_id = models.IntegerField(unique=True)

    def __str__(self) -> str:
        return str(self.feature_id)
