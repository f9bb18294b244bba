"""Personas (who the product is for: a description, the companies and segments they stand
for) and competitors (their website, notes, and the other names customers call them, by which
their mentions in feedback are found). Editors write; every member reads."""

import re
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_editor
from wavelength.core import activity, clock, search, versioning
from wavelength.core.exceptions import Conflict, DomainError
from wavelength.core.markdown import plain_text
from wavelength.feedback.models import Company, Segment
from wavelength.feedback.services.checks import clean_text as _text

from ..models import Competitor, Persona

__all__ = [
    "COMPETITOR_KIND",
    "companies_named",
    "PERSONA_KIND",
    "competitor_create",
    "competitor_delete",
    "competitor_update",
    "persona_create",
    "persona_delete",
    "persona_update",
]

PERSONA_KIND, COMPETITOR_KIND = "persona", "competitor"
PERSONA_FIELDS = ("name", "description", "segments", "companies")
COMPETITOR_FIELDS = ("name", "website", "notes", "aliases")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def persona_entry(persona: Persona) -> dict:
    return {"kind": PERSONA_KIND, "object_id": persona.pk, "title": persona.name,
            "body": plain_text(persona.description), "url": persona.get_absolute_url()}  # fmt: skip


def competitor_entry(competitor: Competitor) -> dict:
    body = " ".join([*competitor.aliases, competitor.website, plain_text(competitor.notes)])
    return {"kind": COMPETITOR_KIND, "object_id": competitor.pk, "title": competitor.name,
            "body": body, "url": competitor.get_absolute_url()}  # fmt: skip


def _unknown(values: dict, allowed: Iterable[str]) -> None:
    unknown = set(values) - set(allowed)
    if unknown:
        raise DomainError(_("Unknown field."), field=sorted(unknown)[0])


def _names(values, field: str, *, limit: int = 20) -> list[str]:
    if not isinstance(values, list | tuple):
        raise DomainError(_("Give a list."), field=field)
    cleaned = list(dict.fromkeys(str(v).strip() for v in values if str(v).strip()))
    if len(cleaned) > limit or any(len(v) > 120 for v in cleaned):
        raise DomainError(
            _("At most %(n)d names of 120 characters.") % {"n": limit}, field=field
        )  # fmt: skip
    return cleaned


def _saved(obj, field: str = "name"):
    """Save, turning a taken name into a 409 naming the field rather than a 500."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise Conflict(_("This name is already taken."), field=field) from None
    return obj


def companies_named(names: Iterable[str], field: str = "companies") -> list[Company]:
    """The companies with these names (case ignored); a name that matches none is refused."""
    wanted = list(dict.fromkeys(n.strip() for n in names if (n or "").strip()))
    if len(wanted) > 100:
        raise DomainError(_("At most %(n)d companies.") % {"n": 100}, field=field)
    match = Q(pk__in=[])
    for name in wanted:
        match |= Q(name__iexact=name)
    found = {c.name.lower(): c for c in Company.objects.filter(match)}
    missing = [n for n in wanted if n.lower() not in found]
    if missing:
        raise DomainError(_("No customer is called “%(name)s”.") % {"name": missing[0]},
                          field=field)  # fmt: skip
    return [found[n.lower()] for n in wanted]


# Personas ---------------------------------------------------------------------------------


def _clean_persona(values: dict) -> dict:
    values["name"] = _text(values.get("name"), "name", 120, required=True)
    values["description"] = _text(values.get("description"), "description", 20_000)
    segments = _names(values.get("segments") or [], "segments")
    wrong = [s for s in segments if s not in Segment.values]
    if wrong:
        raise DomainError(
            _("Unknown segment “%(value)s”; choose from %(choices)s.")
            % {"value": wrong[0], "choices": ", ".join(Segment.values)},
            field="segments",
        )  # fmt: skip
    values["segments"] = [s for s in Segment.values if s in segments]
    return values


@transaction.atomic
def persona_create(*, actor, name: str, companies: Iterable = (), **fields) -> Persona:
    require_editor(actor)
    values = {"description": "", "segments": [], **fields, "name": name}
    _unknown(values, PERSONA_FIELDS)
    persona = _saved(Persona(**_clean_persona(values), created_by=actor))
    persona.companies.set(list(companies))
    activity.record(actor=actor, verb="created", target=persona, scope="research",
                    snapshot=activity.snapshot(persona, Persona.TRACKED))  # fmt: skip
    search.index(**persona_entry(persona))
    return persona


@transaction.atomic
def persona_update(*, actor, persona: Persona, if_version: str | None = None, **changes):
    """Change a persona (its companies are replaced by the list given)."""
    require_editor(actor)
    persona = Persona.objects.select_for_update().get(pk=persona.pk)
    versioning.check(persona, if_version)
    _unknown(changes, PERSONA_FIELDS)
    companies = changes.pop("companies", None)
    before = activity.snapshot(persona, Persona.TRACKED)
    current = {k: getattr(persona, k) for k in PERSONA_FIELDS if k != "companies"}
    for name, value in _clean_persona({**current, **changes}).items():
        setattr(persona, name, value)
    persona.updated_at = clock.now()
    _saved(persona)
    if companies is not None:
        persona.companies.set(list(companies))
    diff = activity.diff(before, activity.snapshot(persona, Persona.TRACKED))
    if diff:
        activity.record(actor=actor, verb="updated", target=persona, scope="research",
                        changes=diff)  # fmt: skip
    search.index(**persona_entry(persona))
    return persona


@transaction.atomic
def persona_delete(*, actor, persona: Persona, if_version: str | None = None) -> None:
    require_editor(actor)
    persona = Persona.objects.select_for_update().get(pk=persona.pk)
    versioning.check(persona, if_version)
    activity.record(actor=actor, verb="deleted", target=persona, scope="research",
                    name=persona.name)  # fmt: skip
    search.remove(kind=PERSONA_KIND, object_id=persona.pk)
    persona.delete()


# Competitors ------------------------------------------------------------------------------


def _clean_competitor(values: dict) -> dict:
    values["name"] = _text(values.get("name"), "name", 120, required=True)
    values["website"] = _text(values.get("website"), "website", 200)
    if values["website"] and not _URL.match(values["website"]):
        raise DomainError(_("Enter an address starting with https:// or http://."),
                          field="website")  # fmt: skip
    values["notes"] = _text(values.get("notes"), "notes", 20_000)
    aliases = _names(values.get("aliases") or [], "aliases")
    values["aliases"] = [a for a in aliases if a.lower() != values["name"].lower()]
    return values


@transaction.atomic
def competitor_create(*, actor, name: str, **fields) -> Competitor:
    require_editor(actor)
    values = {"website": "", "notes": "", "aliases": [], **fields, "name": name}
    _unknown(values, COMPETITOR_FIELDS)
    competitor = _saved(Competitor(**_clean_competitor(values), created_by=actor))
    activity.record(actor=actor, verb="created", target=competitor, scope="research",
                    snapshot=activity.snapshot(competitor, Competitor.TRACKED))  # fmt: skip
    search.index(**competitor_entry(competitor))
    return competitor


@transaction.atomic
def competitor_update(
    *, actor, competitor: Competitor, if_version: str | None = None, **changes
) -> Competitor:
    require_editor(actor)
    competitor = Competitor.objects.select_for_update().get(pk=competitor.pk)
    versioning.check(competitor, if_version)
    _unknown(changes, COMPETITOR_FIELDS)
    before = activity.snapshot(competitor, Competitor.TRACKED)
    current = {k: getattr(competitor, k) for k in COMPETITOR_FIELDS}
    for name, value in _clean_competitor({**current, **changes}).items():
        setattr(competitor, name, value)
    competitor.updated_at = clock.now()
    _saved(competitor)
    diff = activity.diff(before, activity.snapshot(competitor, Competitor.TRACKED))
    if diff:
        activity.record(actor=actor, verb="updated", target=competitor, scope="research",
                        changes=diff)  # fmt: skip
    search.index(**competitor_entry(competitor))
    return competitor


@transaction.atomic
def competitor_delete(*, actor, competitor: Competitor, if_version: str | None = None) -> None:
    require_editor(actor)
    competitor = Competitor.objects.select_for_update().get(pk=competitor.pk)
    versioning.check(competitor, if_version)
    activity.record(actor=actor, verb="deleted", target=competitor, scope="research",
                    name=competitor.name)  # fmt: skip
    search.remove(kind=COMPETITOR_KIND, object_id=competitor.pk)
    competitor.delete()
