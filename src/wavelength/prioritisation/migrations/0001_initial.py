"""The scoring formulas and feature scores, moved from the feedback app with their tables."""

import django.db.models.deletion
import wavelength.core.clock
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

from wavelength.core.moves import move_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('feedback', '0010_loop_message_claimed_at'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('catalog', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables stay where the feedback app created them (Meta.db_table).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ScoringFormula',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=40, verbose_name='name')),
                        ('version', models.PositiveIntegerField(verbose_name='version')),
                        ('label', models.CharField(max_length=80, verbose_name='label')),
                        ('expression', models.CharField(max_length=300, verbose_name='expression')),
                        ('description', models.TextField(blank=True, verbose_name='description')),
                        ('active', models.BooleanField(default=True, verbose_name='active')),
                        ('created_at', models.DateTimeField(default=wavelength.core.clock.now)),
                    ],
                    options={
                        'verbose_name': 'scoring formula',
                        'db_table': 'feedback_scoringformula',
                        'ordering': ['name', '-version'],
                        'constraints': [models.UniqueConstraint(fields=('name', 'version'), name='scoringformula_version'), models.UniqueConstraint(condition=models.Q(('active', True)), fields=('name',), name='scoringformula_one_active')],
                    },
                ),
                migrations.CreateModel(
                    name='FeatureScore',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reach', models.PositiveIntegerField(blank=True, null=True, verbose_name='reach')),
                        ('impact', models.DecimalField(choices=[(Decimal('0.25'), 'Minimal (0.25)'), (Decimal('0.5'), 'Low (0.5)'), (Decimal('1'), 'Medium (1)'), (Decimal('2'), 'High (2)'), (Decimal('3'), 'Massive (3)')], decimal_places=2, default=Decimal('1'), max_digits=4, verbose_name='impact')),
                        ('confidence', models.PositiveSmallIntegerField(choices=[(50, 'Low (50 %)'), (80, 'Medium (80 %)'), (100, 'High (100 %)')], default=80, verbose_name='confidence')),
                        ('effort', models.DecimalField(blank=True, decimal_places=2, max_digits=8, null=True, verbose_name='effort (person-months)')),
                        ('value', models.DecimalField(blank=True, decimal_places=2, max_digits=16, null=True, verbose_name='value')),
                        ('updated_at', models.DateTimeField(default=wavelength.core.clock.now)),
                        ('feature', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='score', to='catalog.feature')),
                        ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('rice_formula', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='prioritisation.scoringformula')),
                        ('value_formula', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='prioritisation.scoringformula')),
                    ],
                    options={
                        'verbose_name': 'feature score',
                        'db_table': 'feedback_featurescore',
                        'constraints': [models.CheckConstraint(condition=models.Q(('effort__isnull', True), ('effort__gt', 0), _connector='OR'), name='featurescore_effort_positive')],
                    },
                ),
            ],
        ),
        move_content_types(models=['scoringformula', 'featurescore'], old_app="feedback", new_app="prioritisation"),
    ]
