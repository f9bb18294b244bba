"""A merge of a duplicate feedback item into another, kept so it can be undone."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wavelength.core import clock

__all__ = ["FeedbackMerge"]


class FeedbackMerge(models.Model):
    """``duplicate`` was merged into ``survivor``: the links the survivor gained and the
    duplicate's status before, so that undoing puts everything back."""

    survivor = models.ForeignKey(
        "feedback.Feedback", on_delete=models.CASCADE, related_name="merges_received"
    )
    duplicate = models.ForeignKey(
        "feedback.Feedback", on_delete=models.CASCADE, related_name="merges_made"
    )
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
