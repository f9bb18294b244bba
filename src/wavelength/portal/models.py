"""The public portal: its settings, the ideas opened to customers, their votes, comments and
subscribers. Customers are Contacts; a portal visitor never holds a staff account."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wavelength.core import clock

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


# Providers that deliver j.o.h.n@ to john@: the dots of the local part are not part of the mailbox.
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def mailbox_of(email: str) -> str:
    """The mailbox an address delivers to, so one person counts once however they spell it:
    lower case, without a ``+tag``, and without dots where the provider ignores them."""
    local, _at, domain = email.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in DOTLESS_DOMAINS:
        local, domain = local.replace(".", ""), DOTLESS_DOMAINS[domain]
    return f"{local}@{domain}"


def validate_hex_colour(value: str) -> None:
    if not HEX_COLOUR.match(value or ""):
        raise ValidationError(_("Enter a colour as #RRGGBB, for example #4f46e5."))


class PortalSettings(models.Model):
    """One row (pk=1): whether the portal is on and how it looks."""

    enabled = models.BooleanField(_("portal enabled"), default=False)
    name = models.CharField(_("portal name"), max_length=80, default="Feedback")
    accent_colour = models.CharField(
        _("accent colour"), max_length=7, default="#4f46e5", validators=[validate_hex_colour]
    )
    logo = models.FileField(_("logo"), upload_to="portal/", blank=True)
    logo_type = models.CharField(max_length=40, blank=True)
    intro = models.TextField(_("introduction"), blank=True, max_length=2000)
    updated_at = models.DateTimeField(default=clock.now)

    TRACKED = ["enabled", "name", "accent_colour", "logo", "intro"]

    class Meta:
        db_table = "feedback_portalsettings"  # created by the feedback app, which held it first
        verbose_name = _("portal settings")
        verbose_name_plural = _("portal settings")

    def __str__(self) -> str:
        return str(self.name)


class PortalIdeaQuerySet(models.QuerySet):
    def listed(self):
        """Ideas customers can see on the portal."""
        return self.filter(is_listed=True)


class PortalIdea(models.Model):
    """A feature opened to the portal, under a customer-facing title and description."""

    feature = models.OneToOneField(
        "catalog.Feature", on_delete=models.CASCADE, related_name="portal_idea"
    )
    title = models.CharField(_("public title"), max_length=200)
    description = models.TextField(_("public description"), blank=True, max_length=20_000)
    is_listed = models.BooleanField(_("shown on the portal"), default=True)
    voting_open = models.BooleanField(_("open for votes"), default=True)
    vote_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    objects = PortalIdeaQuerySet.as_manager()

    TRACKED = ["title", "description", "is_listed", "voting_open"]

    class Meta:
        ordering = ["-vote_count", "-created_at", "-id"]
        db_table = "feedback_portalidea"  # created by the feedback app, which held it first
        verbose_name = _("portal idea")
        indexes = [
            models.Index(fields=["is_listed", "vote_count"], name="portalidea_listed_votes"),
            models.Index(fields=["is_listed", "created_at"], name="portalidea_listed_new"),
        ]

    def __str__(self) -> str:
        return self.title


class PortalVoteQuerySet(models.QuerySet):
    def counted(self):
        """Votes that count: verified by the e-mailed link, cast signed in, or by staff."""
        return self.filter(verified_at__isnull=False)


class PortalVote(models.Model):
    """One contact's vote for an idea; pending until the e-mail is verified (or a proxy)."""

    idea = models.ForeignKey(PortalIdea, on_delete=models.CASCADE, related_name="votes")
    contact = models.ForeignKey(
        "feedback.Contact", on_delete=models.CASCADE, related_name="portal_votes"
    )
    # The voter's mailbox (see mailbox_of): one vote per mailbox and idea, however spelled.
    mailbox = models.CharField(max_length=254, default="")
    verified_at = models.DateTimeField(null=True, blank=True)
    # When the confirmation link was last e-mailed: one pending link at a time.
    link_sent_at = models.DateTimeField(null=True, blank=True)
    proxy_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    objects = PortalVoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        db_table = "feedback_portalvote"  # created by the feedback app, which held it first
        verbose_name = _("portal vote")
        constraints = [
            models.UniqueConstraint(fields=["idea", "contact"], name="portalvote_one_per_contact")
        ]
        indexes = [
            models.Index(
                fields=["idea"], condition=Q(verified_at__isnull=False), name="portalvote_counted"
            ),
            models.Index(fields=["idea", "mailbox"], name="portalvote_mailbox"),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} → {self.idea_id}"


class PortalComment(models.Model):
    idea = models.ForeignKey(PortalIdea, on_delete=models.CASCADE, related_name="comments")
    contact = models.ForeignKey(
        "feedback.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("name"), max_length=80)
    text = models.TextField(_("comment"), max_length=4000)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["created_at", "id"]
        db_table = "feedback_portalcomment"  # created by the feedback app, which held it first
        verbose_name = _("portal comment")
        indexes = [models.Index(fields=["idea", "created_at"], name="portalcomment_idea")]

    def __str__(self) -> str:
        return f"{self.name}: {self.text[:40]}"


class PortalSubscription(models.Model):
    idea = models.ForeignKey(PortalIdea, on_delete=models.CASCADE, related_name="subscriptions")
    contact = models.ForeignKey(
        "feedback.Contact", on_delete=models.CASCADE, related_name="portal_subscriptions"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "feedback_portalsubscription"  # created by the feedback app, which held it first
        verbose_name = _("portal subscription")
        constraints = [
            models.UniqueConstraint(fields=["idea", "contact"], name="portalsub_one_per_contact")
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} ⇢ {self.idea_id}"
