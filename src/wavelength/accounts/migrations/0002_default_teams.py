"""The default teams every workspace starts with (editable afterwards)."""

from django.db import migrations

DEFAULT_TEAMS = [
    ("Product", "product"),
    ("Engineering", "engineering"),
    ("QA", "qa"),
    ("Design", "design"),
    ("Marketing", "marketing"),
    ("Sales", "sales"),
    ("Support", "support"),
    ("Operations", "operations"),
]


def create_teams(apps, schema_editor):
    Team = apps.get_model("accounts", "Team")
    for name, slug in DEFAULT_TEAMS:
        Team.objects.get_or_create(slug=slug, defaults={"name": name})


def delete_teams(apps, schema_editor):
    Team = apps.get_model("accounts", "Team")
    Team.objects.filter(slug__in=[slug for _, slug in DEFAULT_TEAMS], members=None).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_teams, delete_teams)]
