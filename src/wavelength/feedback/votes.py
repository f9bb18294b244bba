"""Votes that count as demand. Customers vote on the portal, which sits above this app, so the
portal registers its counted votes here from its ``AppConfig.ready()`` and the demand reads
(here and in prioritisation) use them without importing it::

    from wavelength.feedback.votes import register_votes

    register_votes(
        counted=lambda: PortalVote.objects.counted(),
        feature="idea__feature",  # from a vote to the feature it asks for
        company="contact__company",  # from a vote to the voter's company
        at="verified_at",  # when it started to count
    )

Until an app registers votes, nobody voted: the reads count feedback alone.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

from .signals import votes_registered


@dataclass(frozen=True)
class Votes:
    counted: Callable[[], QuerySet]
    feature: str
    company: str
    at: str


_votes: Votes | None = None


def register_votes(*, counted: Callable[[], QuerySet], feature: str, company: str, at: str):
    """Make ``counted()`` the votes of demand, with the lookups from a vote to its feature,
    its voter's company and the time it started to count."""
    global _votes
    _votes = Votes(counted=counted, feature=feature, company=company, at=at)
    votes_registered.send(sender=Votes, votes=_votes)  # the demand figures follow them
    return _votes


def votes() -> Votes:
    """The registered votes; without any, an empty set of feedback links stands in (no
    votes), with lookups that exist on it."""
    if _votes is not None:
        return _votes
    from .models import FeedbackLink

    return Votes(
        counted=FeedbackLink.objects.none,
        feature="feature",
        company="feedback__company",
        at="created_at",
    )
