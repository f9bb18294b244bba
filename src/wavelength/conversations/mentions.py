"""``@handle`` mentions: who a comment names, and what the names resolve to.

A person's handle is the part of their e-mail address before the ``@`` (``maya.okafor`` for
maya.okafor@kestrel.example), a team's is its slug (``@support``). When a person's handle is
also a team's slug, the person wins. A handle two active people share names nobody (the
comment form says so); so does one that matches no one. Mentions inside code are ignored.
"""

import re
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.contrib.auth import get_user_model
from django.db.models import Q

from wavelength.accounts.models import Team

MAX_MENTIONS = 20
HANDLE = re.compile(r"(?<![\w@./+-])@([a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?)", re.IGNORECASE)
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)


def handle_of(user) -> str:
    return (getattr(user, "email", "") or "").split("@", 1)[0].lower()


def handles_in(text: str | None) -> list[str]:
    """The handles ``text`` mentions, lower-cased, each once, in order (code excluded)."""
    plain = _CODE.sub(" ", text or "")
    seen = dict.fromkeys(m.group(1).lower() for m in HANDLE.finditer(plain))
    return list(seen)[:MAX_MENTIONS]


@dataclass
class Resolved:
    people: dict[str, object] = field(default_factory=dict)  # handle -> user
    teams: dict[str, Team] = field(default_factory=dict)  # handle -> team
    ambiguous: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def resolve(handles: list[str]) -> Resolved:
    """People and teams the handles name, in two queries."""
    out = Resolved()
    if not handles:
        return out
    users = get_user_model().objects.filter(
        reduce(or_, (Q(email__istartswith=f"{h}@") for h in handles)), is_active=True
    )
    matches: dict[str, list] = {}
    for user in users:
        matches.setdefault(handle_of(user), []).append(user)
    teams = {t.slug.lower(): t for t in Team.objects.filter(slug__in=handles)}
    for handle in handles:
        people = matches.get(handle, [])
        if len(people) == 1:
            out.people[handle] = people[0]
        elif len(people) > 1:
            out.ambiguous.append(handle)
        elif handle in teams:
            out.teams[handle] = teams[handle]
        else:
            out.unknown.append(handle)
    return out


_TAG = re.compile(r"(<[^>]+>)")
_SKIP = {"code", "pre", "a"}


def highlight(html: str, handles: set[str]) -> str:
    """Wrap each ``@handle`` of ``handles`` in sanitised ``html`` in a mention badge, outside
    code and links. The text between tags is already escaped, so only the span is added."""
    if not handles:
        return html
    out, inside = [], []
    for part in _TAG.split(html):
        if part.startswith("<"):
            name = re.match(r"</?([a-z0-9]+)", part)
            tag = name.group(1) if name else ""
            if tag in _SKIP and not part.endswith("/>"):
                if part.startswith("</"):
                    inside = inside[:-1]
                else:
                    inside.append(tag)
            out.append(part)
        elif inside:
            out.append(part)
        else:
            out.append(HANDLE.sub(lambda m: _badge(m, handles), part))
    return "".join(out)


def _badge(match: re.Match, handles: set[str]) -> str:
    if match.group(1).lower() not in handles:
        return match.group(0)
    return f'<span class="mention">{match.group(0)}</span>'


def suggestions(prefix: str, *, limit: int = 8, can_see=None) -> list[dict]:
    """People and teams whose handle or name starts with ``prefix``, for the editor. With
    ``can_see`` (a person -> bool), each person says whether a mention would reach them."""
    prefix = prefix.strip().lstrip("@").lower()[:64]
    if not prefix:
        return []
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(email__istartswith=prefix) | Q(name__istartswith=prefix))
        .order_by("name", "email")[:limit]
    )
    out = [
        {"handle": handle_of(u), "label": str(u), "kind": "person"}
        | ({"can_see": can_see(u)} if can_see else {})
        for u in users
    ]
    teams = Team.objects.filter(Q(slug__istartswith=prefix) | Q(name__istartswith=prefix))
    out += [{"handle": t.slug, "label": t.name, "kind": "team"} for t in teams[:limit]]
    return out[:limit]
