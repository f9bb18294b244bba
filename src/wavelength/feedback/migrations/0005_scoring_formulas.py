"""The first versions of the two scoring formulas: RICE v1 and Value/Effort v1."""

from django.db import migrations

FORMULAS = [
    {
        "name": "rice",
        "version": 1,
        "label": "RICE",
        "expression": "reach × impact × confidence ÷ effort",
        "description": (
            "Reach: companies asking (or an estimate). Impact: 0.25, 0.5, 1, 2 or 3. "
            "Confidence: 50 %, 80 % or 100 %. Effort: person-months."
        ),
    },
    {
        "name": "value_effort",
        "version": 1,
        "label": "Value/Effort",
        "expression": "value ÷ effort",
        "description": (
            "Value: the annual revenue of the companies asking (or an estimate). "
            "Effort: person-months."
        ),
    },
]


def create_formulas(apps, schema_editor):
    ScoringFormula = apps.get_model("feedback", "ScoringFormula")
    for formula in FORMULAS:
        ScoringFormula.objects.update_or_create(
            name=formula["name"], version=formula["version"], defaults={**formula, "active": True}
        )


def delete_formulas(apps, schema_editor):
    ScoringFormula = apps.get_model("feedback", "ScoringFormula")
    for formula in FORMULAS:
        ScoringFormula.objects.filter(name=formula["name"], version=formula["version"]).delete()


class Migration(migrations.Migration):
    dependencies = [("feedback", "0004_prioritisation")]

    operations = [migrations.RunPython(create_formulas, delete_formulas)]
