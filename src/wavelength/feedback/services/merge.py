"""Merging duplicate feedback or duplicate companies, and undoing either.

A feedback merge keeps every voice: the duplicate keeps its own contact, company and links (so
its company still counts in every feature's demand) and leaves the inbox; the survivor gains a
copy of each link it lacked, quotes included, so its page holds all the evidence. Undoing
removes those copies and puts the duplicate back as it was.

A company merge moves everything the duplicate company owns to the one that stays — every row
of any app that points at it (contacts, feedback, close-the-loop messages, follow-ups, survey
answers…), its domains, and the details the survivor lacked — and records what moved, so that
undoing moves exactly those rows back.
"""

from django.apps import apps
from django.db import models, transaction
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_editor
from wavelength.core import activity, clock, search
from wavelength.core.exceptions import DomainError

from ..models import Company, CompanyMerge, Feedback, FeedbackLink, FeedbackMerge, Status
from . import demand
from .checks import SCOPE
from .customers import _index_company

CHUNK = 500
# The details a merge may fill in on the company that stays, when it has none.
FILLABLE = ["segment", "plan", "arr", "owner"]


@transaction.atomic
def feedback_merge(*, actor, survivor: Feedback, duplicate: Feedback) -> FeedbackMerge:
    """Merge ``duplicate`` into ``survivor``."""
    require_editor(actor)
    rows = Feedback.objects.select_for_update().in_bulk([survivor.pk, duplicate.pk])
    if survivor.pk == duplicate.pk:
        raise DomainError(_("An item cannot be merged into itself."), field="duplicate")
    survivor, duplicate = rows[survivor.pk], rows[duplicate.pk]
    if duplicate.merged_into_id or survivor.merged_into_id:
        raise DomainError(
            _("One of these items is already merged into another; undo that merge first."),
            field="duplicate",
        )
    present = set(survivor.links.values_list("feature_id", "quote"))
    copies = [
        FeedbackLink(
            feedback=survivor,
            feature_id=link.feature_id,
            importance=link.importance,
            quote=link.quote,
            created_by=actor,
            created_at=clock.now(),
        )
        for link in duplicate.links.all()
        if (link.feature_id, link.quote) not in present
    ]
    copied = [link.pk for link in FeedbackLink.objects.bulk_create(copies)]
    demand.recount(link.feature_id for link in copies)  # a bulk insert sends no signal
    merge = FeedbackMerge.objects.create(
        survivor=survivor,
        duplicate=duplicate,
        copied_link_ids=copied,
        previous_status=duplicate.status,
        created_by=actor,
        created_at=clock.now(),
    )
    duplicate.merged_into, duplicate.status = survivor, Status.ARCHIVED
    duplicate.updated_at = clock.now()
    duplicate.save(update_fields=["merged_into", "status", "updated_at"])
    activity.record(
        actor=actor, verb="merged", target=survivor, scope=SCOPE, duplicate=duplicate.pk
    )
    activity.record(
        actor=actor,
        verb="merged_into",
        target=duplicate,
        scope=SCOPE,
        changes={"status": [merge.previous_status, Status.ARCHIVED]},
        survivor=survivor.pk,
    )
    return merge


@transaction.atomic
def feedback_merge_undo(*, actor, merge: FeedbackMerge) -> FeedbackMerge:
    """Undo a merge: the copied links go, the duplicate comes back as it was."""
    require_editor(actor)
    merge = FeedbackMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise DomainError(_("This merge was already undone."), field="merge")
    FeedbackLink.objects.filter(pk__in=merge.copied_link_ids, feedback=merge.survivor_id).delete()
    duplicate = Feedback.objects.select_for_update().get(pk=merge.duplicate_id)
    duplicate.merged_into, duplicate.status = None, merge.previous_status
    duplicate.updated_at = clock.now()
    duplicate.save(update_fields=["merged_into", "status", "updated_at"])
    merge.undone_at = clock.now()
    merge.save(update_fields=["undone_at"])
    survivor = merge.survivor
    activity.record(
        actor=actor, verb="unmerged", target=survivor, scope=SCOPE, duplicate=duplicate.pk
    )
    activity.record(
        actor=actor,
        verb="unmerged",
        target=duplicate,
        scope=SCOPE,
        changes={"status": [Status.ARCHIVED, merge.previous_status]},
    )
    return merge


# Companies ----------------------------------------------------------------------------------


def _company_references() -> list[tuple[type[models.Model], models.ForeignKey, list[list[str]]]]:
    """Every foreign key to Company in the project, with the other fields of each unique
    constraint it is part of (two rows that would then be equal cannot both move)."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model in (Company, CompanyMerge):
            continue
        for f in model._meta.concrete_fields:
            if f.is_relation and f.many_to_one and f.related_model is Company:
                groups = [list(g) for g in model._meta.unique_together]
                groups += [
                    list(c.fields)
                    for c in model._meta.constraints
                    if isinstance(c, models.UniqueConstraint) and c.fields
                ]
                if f.unique:
                    groups.append([f.name])
                others = [[n for n in g if n != f.name] for g in groups if f.name in g]
                found.append((model, f, others))
    return found


def _movable(model, f, others, source: Company, target: Company) -> list[int]:
    """The ids of the rows of ``model`` pointing at ``source`` that may point at ``target``."""
    rows = model._base_manager.filter(**{f.attname: source.pk})
    ids = set(rows.values_list("pk", flat=True))
    for group in others:
        if not group:  # the company alone is unique: the target's own row wins
            if model._base_manager.filter(**{f.attname: target.pk}).exists():
                return []
            continue
        columns = [model._meta.get_field(n).attname for n in group]
        taken = set(model._base_manager.filter(**{f.attname: target.pk}).values_list(*columns))
        for pk, *values in rows.values_list("pk", *columns):
            if tuple(values) in taken:
                ids.discard(pk)
    return sorted(ids)


def _repoint(model, f, ids: list[int], *, to: Company, was: Company) -> int:
    moved = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        moved += model._base_manager.filter(pk__in=chunk, **{f.attname: was.pk}).update(
            **{f.attname: to.pk}
        )
    return moved


def _is_empty(value) -> bool:
    return value in (None, "", 0) or (hasattr(value, "is_zero") and value.is_zero())


@transaction.atomic
def company_merge(*, actor, target: Company, source: Company) -> CompanyMerge:
    """Merge ``source`` into ``target``: one customer from now on. Undo with
    :func:`company_merge_undo`."""
    require_editor(actor)
    if source.pk == target.pk:
        raise DomainError(_("A company cannot be merged into itself."), field="source")
    rows = Company.objects.select_for_update().in_bulk([source.pk, target.pk])
    source, target = rows[source.pk], rows[target.pk]
    if source.merged_into_id or target.merged_into_id:
        raise DomainError(
            _("One of these companies is already merged into another; undo that merge first."),
            field="source",
        )
    moved: dict[str, list[int]] = {}
    for model, f, others in _company_references():
        ids = _movable(model, f, others, source, target)
        if ids:
            _repoint(model, f, ids, to=target, was=source)
            moved[f"{model._meta.label_lower}.{f.name}"] = ids
    demand.recount(demand.asked_by([source.pk, target.pk]))  # rows moved by UPDATE
    filled = {}
    for name in FILLABLE:
        field = Company._meta.get_field(name)
        mine, theirs = getattr(target, field.attname), getattr(source, field.attname)
        if _is_empty(mine) and not _is_empty(theirs):
            filled[name] = activity.snapshot(target, [name])[name]
            setattr(target, field.attname, theirs)
    now = clock.now()
    merge = CompanyMerge.objects.create(
        source=source,
        target=target,
        moved=moved,
        moved_domains=list(source.domains),
        filled=filled,
        created_by=actor,
        created_at=now,
    )
    before = activity.snapshot(target, Company.TRACKED)
    target.domains = sorted({*target.domains, *source.domains})
    target.updated_at = now
    target.save()
    source.domains, source.merged_into, source.updated_at = [], target, now
    source.save(update_fields=["domains", "merged_into", "updated_at"])
    changes = activity.diff(before, activity.snapshot(target, Company.TRACKED))
    activity.record(
        actor=actor, verb="company_merged", target=target, scope=SCOPE, changes=changes,
        name=source.name, merge=merge.pk, moved=merge.moved_count,
    )  # fmt: skip
    activity.record(
        actor=actor, verb="company_merged_into", target=source, scope=SCOPE,
        name=target.name, merge=merge.pk,
    )  # fmt: skip
    search.remove(kind="company", object_id=source.pk)
    _index_company(target)
    return merge


@transaction.atomic
def company_merge_undo(*, actor, merge: CompanyMerge) -> CompanyMerge:
    """Put back what a company merge moved: the rows, the domains and the details filled in.
    What was added to either company since stays where it is."""
    require_editor(actor)
    merge = CompanyMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise DomainError(_("This merge was already undone."), field="merge")
    rows = Company.objects.select_for_update().in_bulk([merge.source_id, merge.target_id])
    source, target = rows[merge.source_id], rows[merge.target_id]
    if target.merged_into_id:
        raise DomainError(
            _("%(name)s was merged into another company since; undo that merge first.")
            % {"name": target.name},
            field="merge",
        )
    references = {f"{m._meta.label_lower}.{f.name}": (m, f) for m, f, _o in _company_references()}
    for key, ids in merge.moved.items():
        if key in references:
            model, f = references[key]
            _repoint(model, f, ids, to=source, was=target)
    demand.recount(demand.asked_by([source.pk, target.pk]))  # rows moved by UPDATE
    now = clock.now()
    before = activity.snapshot(target, Company.TRACKED)
    target.domains = sorted(set(target.domains) - set(merge.moved_domains))
    for name, value in merge.filled.items():
        field = Company._meta.get_field(name)
        setattr(target, field.attname, value)
    target.updated_at = now
    target.save()
    taken = [d for d in merge.moved_domains if d in target.domains]
    source.domains = [d for d in merge.moved_domains if d not in taken]
    source.merged_into, source.updated_at = None, now
    source.save(update_fields=["domains", "merged_into", "updated_at"])
    merge.undone_at, merge.undone_by = now, actor
    merge.save(update_fields=["undone_at", "undone_by"])
    changes = activity.diff(before, activity.snapshot(target, Company.TRACKED))
    activity.record(
        actor=actor, verb="company_unmerged", target=target, scope=SCOPE, changes=changes,
        name=source.name, merge=merge.pk,
    )  # fmt: skip
    activity.record(
        actor=actor, verb="company_unmerged", target=source, scope=SCOPE,
        name=target.name, merge=merge.pk,
    )  # fmt: skip
    _index_company(source)
    _index_company(target)
    return merge
