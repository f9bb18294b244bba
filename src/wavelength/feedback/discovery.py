"""Theme discovery for the inbox: propose themes for the feedback nobody has themed yet."""

from dataclasses import dataclass

from wavelength import intelligence  # its models load on first use
from wavelength.accounts.permissions import require_member

from .models import Feedback, Status

WINDOW = 2_000  # the most recent unthemed items looked at
MIN_SIZE = 3  # smaller groups are noise, not a theme


@dataclass(frozen=True)
class Proposal:
    name: str
    ids: list[int]
    samples: list[str]

    @property
    def size(self) -> int:
        return len(self.ids)


def theme_proposals(*, user, window: int = WINDOW) -> list[Proposal]:
    """Groups of similar unthemed, unarchived items, largest first, each with a readable
    name made of its most distinctive words. Nothing is written: staff adopt a proposal."""
    require_member(user)
    rows = list(
        Feedback.objects.filter(theme__isnull=True)
        .exclude(status=Status.ARCHIVED)
        .order_by("-received_at", "-id")
        .values_list("pk", "text")[:window]
    )
    if len(rows) < 2 * MIN_SIZE:
        return []
    # The engine finds the number of themes itself, exactly as ``eval-themes --k auto``.
    themes = intelligence.discover_themes([text for _, text in rows])
    groups: dict[int, list[tuple[int, str]]] = {}
    for (pk, text), theme in zip(rows, themes.assignments, strict=True):
        groups.setdefault(theme, []).append((pk, text))
    proposals = [
        Proposal(themes.names[t], [pk for pk, _ in members], [text for _, text in members[:3]])
        for t, members in groups.items()
        if len(members) >= MIN_SIZE
    ]
    return sorted(proposals, key=lambda p: (-p.size, p.name))
