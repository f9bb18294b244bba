"""The scoring formulas and feature scores moved to the prioritisation app."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('prioritisation', '0001_initial'),
        ('feedback', '0010_loop_message_claimed_at'),
    ]

    operations = [
        # Only the migration state: the tables now belong to another app's models.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='FeatureScore',
                ),
                migrations.DeleteModel(
                    name='ScoringFormula',
                ),
            ],
        ),
    ]
