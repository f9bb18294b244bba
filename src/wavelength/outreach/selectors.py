"""Reads of closing the loop: a feature's messages grouped per company (or as one ordered
list for the API), the feature page's "Customers told" summary, a send's progress and a
company's follow-up tasks. Fixed number of queries each."""

from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404

from wavelength.accounts.permissions import require_member
from wavelength.catalog.models import Feature
from wavelength.feedback.models import Company

from .models import FollowUpTask, LoopMessage, LoopSend, LoopStatus

RECENT = 10


@dataclass
class CompanyMessages:
    company: Company | None
    messages: list[LoopMessage] = field(default_factory=list)


@dataclass
class LoopSummary:
    feature: Feature
    sent: int = 0
    drafts: int = 0
    skipped: int = 0
    queued: int = 0
    sending: int = 0
    failed: int = 0
    recent: list[LoopMessage] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.sent + self.drafts + self.skipped + self.queued + self.sending + self.failed


@dataclass
class SendProgress:
    """How far the latest "Send" of a feature got, from its messages' statuses."""

    send: LoopSend
    total: int = 0
    queued: int = 0
    sending: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0

    @property
    def running(self) -> bool:
        return bool(self.queued or self.sending)

    @property
    def state(self) -> str:
        """queued (nothing taken yet), sending, failed (done, some failed) or sent."""
        if self.running:
            return "queued" if self.queued == self.total else "sending"
        return "failed" if self.failed else "sent"


def _messages(feature: Feature):
    return LoopMessage.objects.filter(feature=feature).select_related(
        "contact", "company", "release__product", "sent_by"
    )


def loop_counts(*, user, feature: Feature) -> LoopSummary:
    require_member(user)
    counts = LoopMessage.objects.filter(feature=feature).aggregate(
        sent=Count("pk", filter=Q(status=LoopStatus.SENT)),
        drafts=Count("pk", filter=Q(status=LoopStatus.DRAFT)),
        skipped=Count("pk", filter=Q(status=LoopStatus.SKIPPED)),
        queued=Count("pk", filter=Q(status=LoopStatus.QUEUED)),
        sending=Count("pk", filter=Q(status=LoopStatus.SENDING)),
        failed=Count("pk", filter=Q(status=LoopStatus.FAILED)),
    )
    return LoopSummary(feature=feature, **counts)


def send_progress(*, user, feature: Feature) -> SendProgress | None:
    """The latest "Send" of ``feature`` and how many of its messages are queued, being
    sent, sent, failed or skipped; ``None`` before the first one. Two queries."""
    require_member(user)
    sends = LoopSend.objects.filter(feature=feature).select_related("requested_by")
    send = sends.order_by("-requested_at", "-pk").first()
    return None if send is None else _progress(send)


def loop_send_get(*, user, pk: int) -> SendProgress:
    """One "Send" (any feature's, not only the latest) and how far it got. Two queries."""
    require_member(user)
    send = get_object_or_404(LoopSend.objects.select_related("requested_by"), pk=pk)
    return _progress(send)


def _progress(send: LoopSend) -> SendProgress:
    counts = send.messages.aggregate(
        total=Count("pk"),
        **{
            status: Count("pk", filter=Q(status=value))
            for status, value in [
                ("queued", LoopStatus.QUEUED),
                ("sending", LoopStatus.SENDING),
                ("sent", LoopStatus.SENT),
                ("failed", LoopStatus.FAILED),
                ("skipped", LoopStatus.SKIPPED),
            ]
        },
    )
    return SendProgress(send=send, **counts)


def loop_messages_by_company(*, user, feature: Feature) -> list[CompanyMessages]:
    """Every message of a feature, one group per company (alphabetical, people without a
    company last), drafts first within a group."""
    require_member(user)
    order = {
        LoopStatus.FAILED: 0,
        LoopStatus.DRAFT: 1,
        LoopStatus.QUEUED: 2,
        LoopStatus.SENDING: 3,
        LoopStatus.SKIPPED: 4,
        LoopStatus.SENT: 5,
    }
    groups: dict[int | None, CompanyMessages] = {}
    for message in _messages(feature).order_by("contact__email", "prepared_at", "pk"):
        group = groups.setdefault(message.company_id, CompanyMessages(company=message.company))
        group.messages.append(message)
    for group in groups.values():
        group.messages.sort(key=lambda m: order.get(m.status, 6))
    return sorted(
        groups.values(), key=lambda g: (g.company is None, g.company.name if g.company else "")
    )


def loop_messages(*, user, feature: Feature, status: str | None = None):
    """Every message of a feature (or only those in ``status``) in the page's company order:
    companies alphabetically, people without a company last, then by contact. A queryset, for
    the API to paginate."""
    require_member(user)
    messages = _messages(feature)
    if status:
        messages = messages.filter(status=status)
    return messages.order_by(
        F("company__name").asc(nulls_last=True), "company_id", "contact__email", "prepared_at", "pk"
    )


def loop_summary(*, user, feature: Feature) -> list[LoopSummary]:
    """The feature page's "Customers told" section: always one summary, so editors get the
    way to the loop page even before anything is prepared."""
    summary = loop_counts(user=user, feature=feature)
    summary.recent = list(
        _messages(feature).filter(status=LoopStatus.SENT).order_by("-sent_at", "-pk")[:RECENT]
    )
    return [summary]


def loop_message_get(*, user, pk: int) -> LoopMessage:
    require_member(user)
    qs = LoopMessage.objects.select_related("feature", "contact", "company", "release__product")
    return get_object_or_404(qs, pk=pk)


def follow_ups_for_company(*, user, company: Company) -> list[FollowUpTask]:
    """A company's follow-up tasks, open ones first."""
    require_member(user)
    tasks = FollowUpTask.objects.filter(company=company).select_related("owner", "feature")
    return sorted(tasks, key=lambda t: (t.done_at is not None, -t.created_at.timestamp(), -t.pk))


# How many of its latest messages a company's page lists.
COMPANY_MESSAGES = 20


def messages_to_company(*, user, company: Company) -> list[LoopMessage]:
    """What a company was told: the close-the-loop messages sent to its contacts, newest
    first (the company page's "Messages sent" section)."""
    require_member(user)
    sent = LoopMessage.objects.filter(company=company, status=LoopStatus.SENT)
    return list(
        sent.select_related("contact", "feature", "release__product", "sent_by").order_by(
            "-sent_at", "-pk"
        )[:COMPANY_MESSAGES]
    )


def follow_up_get(*, user, pk: int) -> FollowUpTask:
    require_member(user)
    return get_object_or_404(FollowUpTask.objects.select_related("company"), pk=pk)
