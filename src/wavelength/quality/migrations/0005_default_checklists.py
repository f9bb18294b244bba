"""The inspections every workspace starts with; they can be edited or archived afterwards."""

from django.db import migrations

DEFAULT_CHECKLISTS = [
    (
        "Accessibility review",
        "design",
        [
            "Every page works with the keyboard alone, focus always visible",
            "Text contrast meets WCAG 2.2 AA",
            "Images and icons have text alternatives",
            "Forms have labels and announce their errors",
            "Pages read correctly with a screen reader",
        ],
    ),
    (
        "Security review",
        "engineering",
        [
            "New endpoints check permissions in the services",
            "Input is validated and output escaped or sanitised",
            "Secrets are not logged nor committed",
            "Dependencies have no known vulnerability",
            "Uploads and imports have size limits",
        ],
    ),
    (
        "Localisation review",
        "marketing",
        [
            "Every new string is translated",
            "Dates, numbers and currencies follow the locale",
            "Layouts hold with longer translations",
            "Screenshots and help pages are updated in each language",
        ],
    ),
    (
        "Legal review",
        "operations",
        [
            "Terms and privacy notice cover the change",
            "Personal data processing is recorded",
            "Third-party licences are compatible",
        ],
    ),
    (
        "Performance review",
        "engineering",
        [
            "Lists are paginated and do a fixed number of queries",
            "Benchmarks show no regression",
            "New filters are backed by indexes",
        ],
    ),
]


def create(apps, schema_editor):
    Checklist = apps.get_model("quality", "Checklist")
    ChecklistVersion = apps.get_model("quality", "ChecklistVersion")
    Team = apps.get_model("accounts", "Team")
    for name, team_slug, items in DEFAULT_CHECKLISTS:
        team = Team.objects.filter(slug=team_slug).first()
        checklist, created = Checklist.objects.get_or_create(
            name=name, defaults={"items": items, "signoff_team": team}
        )
        if created:
            ChecklistVersion.objects.create(
                checklist=checklist, number=1, name=name, items=items, signoff_team=team
            )


def remove(apps, schema_editor):
    Checklist = apps.get_model("quality", "Checklist")
    names = [name for name, _team, _items in DEFAULT_CHECKLISTS]
    Checklist.objects.filter(name__in=names, version=1, inspections=None).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_default_teams"),
        ("quality", "0004_checklist_checklistversion_inspection_and_more"),
    ]

    operations = [migrations.RunPython(create, remove)]
