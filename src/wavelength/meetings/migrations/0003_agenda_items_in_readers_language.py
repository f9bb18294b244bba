"""Generated agenda items stored their sentence in English with ISO dates. Rebuild their
parameters from the rows they came from, so they read in each reader's language; an item a
person edited (an ``updated`` activity) or whose source is gone keeps its stored text. Series
that build their agenda from new feedback also get the new "most asked-for features" part."""

from django.db import migrations

PARTS = ["feedback", "asks", "stages", "releases", "steps", "defects", "pages", "actions"]


def _iso(value):
    return value.isoformat() if value else None


def _feedback(apps, item):
    row = apps.get_model("feedback", "Feedback").objects.filter(pk=item.source_id).first()
    if row is None or row.company_id is None:
        return None
    first = " ".join(row.text.split())
    title = row.title or first[:80] + ("…" if len(first) > 80 else "")
    return {"company": row.company.name, "title": title, "text": row.text[:500]}


def _stages(apps, item):
    feature = apps.get_model("catalog", "Feature").objects.filter(pk=item.source_id).first()
    if feature is None:
        return None
    activity = apps.get_model("core", "Activity")
    row = (
        activity.objects.filter(
            target_type__model="feature",
            target_id=feature.pk,
            verb="stage_changed",
            created_at__lte=item.occurrence.starts_at,
        )
        .order_by("-created_at", "-id")
        .first()
    )
    old, new = ((row.payload or {}).get("changes", {}).get("stage") if row else None) or [
        None,
        feature.stage,
    ]
    return {"feature": feature.title, "old": old, "new": new}


def _releases(apps, item):
    from wavelength.catalog import gates

    release = apps.get_model("catalog", "Release").objects.filter(pk=item.source_id).first()
    if release is None or release.target_date is None:
        return None
    labels = {str(c.label): c.key for c in gates.criteria()}
    failing = []
    if item.note.startswith("Gate fails: "):
        names = item.note.removeprefix("Gate fails: ").rstrip(".").split("; ")
        failing = [labels.get(n, n) for n in names if n]
    name = f"{release.product.name} {release.version}"
    return {"release": name, "date": _iso(release.target_date),
            "passes": item.note == "Gate passes.", "failing": failing}  # fmt: skip


def _steps(apps, item):
    step = apps.get_model("processes", "RunStep").objects.filter(pk=item.source_id).first()
    if step is None or step.due_on is None:
        return None
    who = step.assignee or step.assignee_team
    who = getattr(who, "name", "") or getattr(who, "email", "") or ""
    return {"step": step.title, "run": step.run.title, "due_on": _iso(step.due_on), "who": who}


def _defects(apps, item):
    defect = apps.get_model("quality", "Defect").objects.filter(pk=item.source_id).first()
    return None if defect is None else {"defect": defect.title, "status": defect.status}


def _pages(apps, item):
    page = apps.get_model("knowledge", "Page").objects.filter(pk=item.source_id).first()
    if page is None:
        return None
    overdue = page.review_due_on and page.review_due_on < item.occurrence.starts_at.date()
    return {"page": page.title, "review_due_on": _iso(page.review_due_on) if overdue else None,
            "reason": page.stale_reason if page.stale_since else ""}  # fmt: skip


def _actions(apps, item):
    action = apps.get_model("meetings", "ActionItem").objects.filter(pk=item.source_id).first()
    if action is None:
        return None
    owner = action.owner.name or action.owner.email
    return {"action": action.title, "owner": owner, "due_on": _iso(action.due_on)}


REBUILD = {
    "feedback": _feedback,
    "stages": _stages,
    "releases": _releases,
    "steps": _steps,
    "defects": _defects,
    "pages": _pages,
    "actions": _actions,
}


def forwards(apps, schema_editor):
    item_model = apps.get_model("meetings", "AgendaItem")
    activity = apps.get_model("core", "Activity")
    edited = set(
        activity.objects.filter(target_type__model="agendaitem", verb="updated").values_list(
            "target_id", flat=True
        )
    )
    rows = item_model.objects.exclude(kind="manual").select_related("occurrence")
    for item in rows.iterator(chunk_size=500):
        if item.pk in edited or item.kind not in REBUILD:
            continue
        params = REBUILD[item.kind](apps, item)
        if params:
            item.params, item.title, item.note = params, "", ""
            item.save(update_fields=["params", "title", "note"])
    series_model = apps.get_model("meetings", "MeetingSeries")
    for series in series_model.objects.all():
        if "feedback" in series.agenda_parts and "asks" not in series.agenda_parts:
            parts = set(series.agenda_parts) | {"asks"}
            series.agenda_parts = [p for p in PARTS if p in parts]
            series.save(update_fields=["agenda_parts"])


def backwards(apps, schema_editor):
    """Write the sentences back as stored English text (what the items held before)."""
    from django.utils import translation

    from wavelength.meetings import wording

    item_model = apps.get_model("meetings", "AgendaItem")
    with translation.override("en"):
        for item in item_model.objects.exclude(kind="manual").exclude(params={}):
            title, note = wording.generated(item.kind, item.params)
            item.title, item.note = item.title or title[:300], item.note or note
            item.save(update_fields=["title", "note"])


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0002_agenda_item_params_and_sending"),
        ("core", "0001_initial"),
        ("feedback", "0001_initial"),
        ("processes", "0001_initial"),
        ("quality", "0001_initial"),
        ("knowledge", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
