"""Writes of customers: companies, contacts and themes."""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_editor
from wavelength.core import activity, clock, search, versioning
from wavelength.core.exceptions import DomainError

from ..matching import company_key, domain_key
from ..models import (
    Company,
    Contact,
    Health,
    Segment,
    Theme,
)
from .checks import (
    _DOMAIN,
    FREE_MAIL,
    SCOPE,
    _arr,
    _choice,
    _domains,
    _email,
    _text,
)

# Companies and contacts -------------------------------------------------------------------


def _index_company(company: Company) -> None:
    search.index(
        kind="company",
        object_id=company.pk,
        title=company.name,
        body=" ".join([*company.domains, company.plan, company.get_segment_display()]),
        url=company.get_absolute_url(),
    )


def _company_fields(data: dict, company: Company | None = None) -> dict:
    out: dict[str, Any] = {}
    if "name" in data:
        out["name"] = _text(data["name"], "name", 200, required=True)
        out["match_key"] = company_key(out["name"])
        clash = Company.objects.filter(
            Q(name__iexact=out["name"]) | Q(match_key=out["match_key"], merged_into=None)
        )
        if company is not None:
            clash = clash.exclude(pk=company.pk)
        other = clash.first()
        if other is not None:
            raise DomainError(
                _("“%(name)s” is already a customer: %(other)s.")
                % {"name": out["name"], "other": other.name},
                field="name",
            )
    if "domains" in data:
        out["domains"] = _domains(data["domains"] or [])
        for domain in out["domains"]:
            owner = company_for_domain(domain)
            if owner is not None and (company is None or owner.pk != company.pk):
                raise DomainError(
                    _("“%(d)s” already belongs to %(c)s.") % {"d": domain, "c": owner.name},
                    field="domains",
                )
    if "segment" in data:
        out["segment"] = _choice(data["segment"], Segment, "segment")
    if "plan" in data:
        out["plan"] = _text(data["plan"], "plan", 60)
    if "arr" in data:
        out["arr"] = _arr(data["arr"])
    if "health" in data:
        out["health"] = _choice(data["health"], Health, "health", blank=False)
    if "owner" in data:
        out["owner"] = data["owner"]
    return out


@transaction.atomic
def company_create(
    *,
    actor,
    name: str,
    domains: Sequence[str] = (),
    segment: str = "",
    plan: str = "",
    arr: Decimal | int | str = 0,
    owner=None,
    health: str = Health.GOOD,
) -> Company:
    """Add a customer company."""
    require_editor(actor)
    fields = _company_fields(
        {
            "name": name,
            "domains": domains,
            "segment": segment,
            "plan": plan,
            "arr": arr,
            "owner": owner,
            "health": health,
        }  # fmt: skip
    )
    now = clock.now()
    company = Company.objects.create(**fields, created_at=now, updated_at=now)
    activity.record(
        actor=actor,
        verb="created",
        target=company,
        scope=SCOPE,
        snapshot=activity.snapshot(company, Company.TRACKED),
    )
    _index_company(company)
    return company


@transaction.atomic
def company_update(*, actor, company: Company, if_version: str | None = None, **changes) -> Company:
    """Change the given fields (``name``, ``domains``, ``segment``, ``plan``, ``arr``,
    ``owner``, ``health``); ``if_version`` refuses a stale edit (see core.versioning)."""
    require_editor(actor)
    unknown = set(changes) - set(Company.TRACKED)
    if unknown:
        raise DomainError(_("Unknown field."), field=sorted(unknown)[0])
    company = Company.objects.select_for_update().get(pk=company.pk)
    versioning.check(company, if_version)
    before = activity.snapshot(company, Company.TRACKED)
    for field, value in _company_fields(changes, company).items():
        setattr(company, field, value)
    company.updated_at = clock.now()
    company.save()
    diff = activity.diff(before, activity.snapshot(company, Company.TRACKED))
    if diff:
        activity.record(actor=actor, verb="updated", target=company, scope=SCOPE, changes=diff)
    _index_company(company)
    return company


def company_for_domain(domain: str) -> Company | None:
    """The company that lists ``domain`` among its domains, if any."""
    domain = domain.lower()
    # The JSON text holds each domain in quotes; the Python check rules out partial matches.
    companies = Company.objects.filter(domains__icontains=f'"{domain}"', merged_into=None)
    for company in companies:
        if domain in company.domains:
            return company
    return None


def company_for_key(key: str) -> Company | None:
    """The one company (not merged away) whose name has this key, if exactly one has."""
    if not key:
        return None
    found = list(Company.objects.filter(match_key=key, merged_into=None)[:2])
    return found[0] if len(found) == 1 else None


def _company_domains(emails) -> list[str]:
    """The company domains of some e-mail addresses (free mail left out), in order."""
    seen: dict[str, None] = {}
    for email in emails:
        domain = (email or "").rsplit("@", 1)[-1].strip().lower()
        if domain and domain not in FREE_MAIL and _DOMAIN.match(domain):
            seen.setdefault(domain)
    return list(seen)


def _add_domains(*, actor, company: Company, domains: list[str], via: str = "") -> None:
    """Give ``company`` the domains no company lists yet (its contacts' addresses showed
    them), recorded in its history."""
    fresh = [d for d in domains if d not in company.domains and company_for_domain(d) is None]
    if not fresh:
        return
    before = list(company.domains)
    company.domains = sorted({*company.domains, *fresh})
    company.updated_at = clock.now()
    company.save(update_fields=["domains", "updated_at"])
    extra = {"via": via} if via else {}
    activity.record(
        actor=actor, verb="updated", target=company, scope=SCOPE,
        changes={"domains": [before, company.domains]}, **extra,
    )  # fmt: skip
    _index_company(company)


@transaction.atomic
def company_resolve(*, actor, name: str, emails=()) -> Company:
    """The company a name and its contacts' addresses mean, created only when no existing
    company matches: a domain of the addresses that a company lists (when that company has
    the same key as the name, or the domain gives the name's key), else the company with the
    name's key, else a new company. The company found or made lists the addresses' domains
    that nobody else lists, so the next contact from them joins it too."""
    require_editor(actor)
    name = _text(name, "company", 200, required=True)
    key = company_key(name)
    domains = _company_domains(emails)
    for domain in domains:
        owner = company_for_domain(domain)
        if owner is not None and key in (owner.match_key, domain_key(domain)):
            return owner
    company = Company.objects.filter(name__iexact=name).first() or company_for_key(key)
    if company is not None:
        company = company.merged_into or company
        _add_domains(actor=actor, company=company, domains=domains)
        return company
    free = [d for d in domains if company_for_domain(d) is None]
    return company_create(actor=actor, name=name, domains=free)


def _company_name_from(domain: str) -> str:
    base = domain.split(".")[-2] if domain.count(".") >= 1 else domain
    name = base.replace("-", " ").title() or domain
    taken = Q(name__iexact=name) | Q(match_key=company_key(name), merged_into=None)
    return domain if Company.objects.filter(taken).exists() else name


def _company_from_email(*, actor, email: str) -> Company | None:
    """The company of an address's domain: the one listing it, else the one whose name has
    the domain's key (which then lists the domain), else a new one named after it."""
    domain = email.rsplit("@", 1)[1]
    if domain in FREE_MAIL or not _DOMAIN.match(domain):
        return None
    company = company_for_domain(domain)
    if company is None:
        company = company_for_key(domain_key(domain))
        if company is not None:
            _add_domains(actor=actor, company=company, domains=[domain])
    if company is None:
        company = company_create(actor=actor, name=_company_name_from(domain), domains=[domain])
    return company


@transaction.atomic
def contact_create(*, actor, email: str, name: str = "", company: Company | None = None) -> Contact:
    """Add a contact. Without ``company``, the e-mail's domain finds (or creates) it."""
    require_editor(actor)
    email = _email(email)
    name = _text(name, "name", 150)
    if Contact.objects.filter(email=email).exists():
        raise DomainError(_("A contact with this e-mail already exists."), field="email")
    if company is None:
        company = _company_from_email(actor=actor, email=email)
    contact = Contact.objects.create(
        email=email, name=name, company=company, created_at=clock.now()
    )
    activity.record(
        actor=actor,
        verb="created",
        target=contact,
        scope=SCOPE,
        snapshot={"email": email, "name": name, "company": company.pk if company else None},
    )
    return contact


def contact_for(*, actor, email: str, name: str = "") -> Contact:
    """The contact with this e-mail, created by ``actor`` when there is none yet."""
    contact = Contact.objects.select_related("company").filter(email=email).first()
    return contact or contact_create(actor=actor, email=email, name=name)


def _contacts_for(*, actor, people: dict[str, str]) -> dict[str, Contact]:
    """The contacts of many ``{email: name}`` at once, addresses and names already checked:
    one query for those already known, one insert for the new ones (each with the company
    its domain finds or makes, looked up once per domain) and one for their activity rows,
    as ``contact_create`` would record them."""
    require_editor(actor)
    found = {
        c.email: c for c in Contact.objects.select_related("company").filter(email__in=list(people))
    }
    companies: dict[str, Company | None] = {}  # one domain look-up per domain, not per person
    new, now = [], clock.now()
    for email, name in people.items():
        if email not in found:
            domain = email.rsplit("@", 1)[1]
            if domain not in companies:
                companies[domain] = _company_from_email(actor=actor, email=email)
            new.append(Contact(email=email, name=name, company=companies[domain], created_at=now))
    Contact.objects.bulk_create(new, batch_size=500)
    activity.record_many(
        actor=actor,
        verb="created",
        scope=SCOPE,
        entries=(
            (c, {"snapshot": {"email": c.email, "name": c.name, "company": c.company_id}})
            for c in new
        ),
    )
    return found | {c.email: c for c in new}


@transaction.atomic
def contact_unsubscribe(*, contact: Contact) -> Contact:
    """Stop every message to ``contact``, now and later (an unsubscribe link); never undone
    by the app."""
    if contact.unsubscribed_at is None:
        contact.unsubscribed_at = clock.now()
        contact.save(update_fields=["unsubscribed_at"])
        activity.record(actor=None, verb="unsubscribed", target=contact, scope=SCOPE)
    return contact


# Contacts of visitors (the portal) ---------------------------------------------------------


@transaction.atomic
def contact_for_visitor(*, email: str, name: str = "", via: str) -> Contact:
    """The contact behind an e-mail, created without a staff actor (a portal visitor, say:
    ``via`` names where); the domain finds an existing company but a visitor never creates
    one."""
    email = _email(email)
    name = _text(name, "name", 150)
    contact = Contact.objects.select_related("company").filter(email=email).first()
    if contact is not None:
        return contact
    company = company_for_domain(email.rsplit("@", 1)[1])
    contact = Contact.objects.create(
        email=email, name=name, company=company, created_at=clock.now()
    )
    activity.record(
        actor=None,
        verb="created",
        target=contact,
        scope=SCOPE,
        snapshot={"email": email, "name": name, "company": company.pk if company else None},
        via=via,
    )
    return contact


@transaction.atomic
def contact_match_company(*, contact: Contact, via: str) -> Contact:
    """Give a contact without a company the company that now lists its e-mail's domain, if
    any (a visitor's vote then counts in that company's demand)."""
    if contact.company_id is None:
        company = company_for_domain(contact.email.rsplit("@", 1)[1])
        if company is not None:
            contact.company = company
            contact.save(update_fields=["company"])
            activity.record(
                actor=None, verb="updated", target=contact, scope=SCOPE,
                changes={"company": [None, company.pk]}, via=via,
            )  # fmt: skip
    return contact


# Themes -----------------------------------------------------------------------------------


@transaction.atomic
def theme_create(*, actor, name: str) -> Theme:
    require_editor(actor)
    name = _text(name, "name", 100, required=True)
    if Theme.objects.filter(name__iexact=name).exists():
        raise DomainError(_("A theme with this name already exists."), field="name")
    theme = Theme.objects.create(name=name, created_at=clock.now())
    activity.record(actor=actor, verb="created", target=theme, scope=SCOPE, snapshot={"name": name})
    return theme
