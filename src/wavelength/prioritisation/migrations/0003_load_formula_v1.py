"""The first version of the quality and support load formula."""

from django.db import migrations

FORMULA = {
    "name": "load",
    "version": 1,
    "label": "Load",
    "expression": "(support + defects) × confidence ÷ effort",
    "description": (
        "Support: feedback items from support tickets linked to the feature. Defects: its open "
        "defects weighted by severity (critical 8, major 4, minor 2, trivial 1). Confidence and "
        "effort as for RICE."
    ),
}


def create_formula(apps, schema_editor):
    ScoringFormula = apps.get_model("prioritisation", "ScoringFormula")
    ScoringFormula.objects.update_or_create(
        name=FORMULA["name"], version=FORMULA["version"], defaults={**FORMULA, "active": True}
    )


class Migration(migrations.Migration):
    dependencies = [("prioritisation", "0002_load_formula")]

    # Going back keeps the formula's row (the column that points at it goes with 0002, and a
    # formula is a row like the others): going forward again finds it.
    operations = [migrations.RunPython(create_formula, migrations.RunPython.noop)]
