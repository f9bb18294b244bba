"""The demo's customer portal: switched on, a dozen features opened with votes and comments
from the demo's contacts, all through the portal services. A step of the feedback demo
(registered from ``PortalConfig.ready()``)."""

from collections import Counter

from wavelength.catalog.models import Stage

from . import services
from .models import PortalIdea

IDEAS = 12
_COMMENTS = [
    "We would use this every single day.",
    "This is the main reason our team still keeps a spreadsheet on the side.",
    "Nous en avons besoin pour nos équipes en France.",
    "Please make it work on mobile too!",
    "Any update on this? Our renewal is coming up.",
    "Would love to beta test this.",
]
_STAGES = [Stage.IN_DEVELOPMENT, Stage.BETA, Stage.PLANNED, Stage.DISCOVERY, Stage.IDEA]


def _public_part(description: str) -> str:
    """The first paragraph of a feature's description: the rest is for the team."""
    return (description or "").strip().split("\n\n")[0]


def build_portal_demo(*, rng, actor, contacts, features, **_context) -> dict:
    """Open ~12 features across the roadmap's stages and let the contacts (``(e-mail,
    company)`` pairs) vote."""
    services.portal_settings_update(
        actor=actor,
        enabled=True,
        name="Wavelength",
        accent_colour="#4f46e5",
        intro="Tell us what would make your work easier. Vote, comment, and follow ideas "
        "from first sketch to release.",
    )
    by_stage = Counter()
    chosen = []
    for feature in features:
        if feature.stage in _STAGES and by_stage[feature.stage] < 3 and len(chosen) < IDEAS:
            by_stage[feature.stage] += 1
            chosen.append(feature)
    ideas = [
        services.portal_idea_open(
            actor=actor,
            feature=f,
            title=f.title,
            description=_public_part(f.description) or f"We are looking at **{f.title}**.",
        )
        for f in chosen
    ]
    votes = 0
    for idea in ideas:
        for contact in rng.sample(contacts, k=min(len(contacts), rng.randint(8, 60))):
            services.portal_vote_cast(idea=idea, email=contact[0], verified=True)
            votes += 1
        for text in rng.sample(_COMMENTS, k=rng.randint(0, 3)):
            email = rng.choice(contacts)[0]
            name = email.split("@")[0].replace(".", " ").title()
            services.portal_comment_create(idea=idea, name=name, text=text, email=email)
    return {"ideas": PortalIdea.objects.count(), "votes": votes}
