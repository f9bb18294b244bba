"""The four spaces every workspace starts with, and the page templates."""

from django.db import migrations

from wavelength.knowledge.defaults import DEFAULT_SPACES, TEMPLATES


def create(apps, schema_editor):
    Space = apps.get_model("knowledge", "Space")
    PageTemplate = apps.get_model("knowledge", "PageTemplate")
    for position, (name, slug, description) in enumerate(DEFAULT_SPACES):
        Space.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
    for position, (key, name, description, body) in enumerate(TEMPLATES):
        PageTemplate.objects.get_or_create(
            key=key,
            defaults={"name": name, "description": description, "body": body, "position": position},
        )


def delete(apps, schema_editor):
    Space = apps.get_model("knowledge", "Space")
    PageTemplate = apps.get_model("knowledge", "PageTemplate")
    Space.objects.filter(slug__in=[s for _, s, _d in DEFAULT_SPACES], pages=None).delete()
    PageTemplate.objects.filter(key__in=[t[0] for t in TEMPLATES]).delete()


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_page_fulltext")]

    operations = [migrations.RunPython(create, delete)]
