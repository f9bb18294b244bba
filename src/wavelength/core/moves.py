"""Moving models from one app to another without touching their tables.

The models keep their tables (``Meta.db_table``); the new app's first migration creates them
in its migration state only and the old app's next migration deletes them from its state only
(``SeparateDatabaseAndState``). What still names the old app is the content types: activity
rows, search links, defect links and permissions point at them by id, so they are relabelled
(and back, when the migration is reversed), never recreated.
"""

from django.db import migrations


def move_content_types(*, models: list[str], old_app: str, new_app: str) -> migrations.RunPython:
    """A ``RunPython`` relabelling the content types of ``models`` (lower-case model names)
    from ``old_app`` to ``new_app``, reversibly."""

    def forwards(apps, schema_editor):
        _relabel(apps, schema_editor, models, old_app, new_app)

    def backwards(apps, schema_editor):
        _relabel(apps, schema_editor, models, new_app, old_app)

    return migrations.RunPython(forwards, backwards)


def _relabel(apps, schema_editor, models: list[str], old_app: str, new_app: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    moving = types.filter(app_label=old_app, model__in=models)
    # A content type created under the new label meanwhile (``migrate`` creates the installed
    # models' ones after each run) yields to the old row, which the history points at; one
    # that rows already point at stops the migration (PROTECT) rather than lose them.
    types.filter(app_label=new_app, model__in=moving.values("model")).delete()
    moving.update(app_label=new_app)
