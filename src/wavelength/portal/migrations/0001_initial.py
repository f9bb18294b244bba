"""The public portal's settings, ideas, votes, comments and subscriptions, moved from the
feedback app with their tables."""

import django.db.models.deletion
import wavelength.core.clock
import wavelength.portal.models
from django.conf import settings
from django.db import migrations, models

from wavelength.core.moves import move_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('catalog', '0001_initial'),
        ('feedback', '0011_move_scores_to_prioritisation'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables stay where the feedback app created them (Meta.db_table).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PortalSettings',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('enabled', models.BooleanField(default=False, verbose_name='portal enabled')),
                        ('name', models.CharField(default='Feedback', max_length=80, verbose_name='portal name')),
                        ('accent_colour', models.CharField(default='#4f46e5', max_length=7, validators=[wavelength.portal.models.validate_hex_colour], verbose_name='accent colour')),
                        ('logo', models.FileField(blank=True, upload_to='portal/', verbose_name='logo')),
                        ('logo_type', models.CharField(blank=True, max_length=40)),
                        ('intro', models.TextField(blank=True, max_length=2000, verbose_name='introduction')),
                        ('updated_at', models.DateTimeField(default=wavelength.core.clock.now)),
                    ],
                    options={
                        'verbose_name': 'portal settings',
                        'verbose_name_plural': 'portal settings',
                        'db_table': 'feedback_portalsettings',
                    },
                ),
                migrations.CreateModel(
                    name='PortalIdea',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200, verbose_name='public title')),
                        ('description', models.TextField(blank=True, max_length=20000, verbose_name='public description')),
                        ('is_listed', models.BooleanField(default=True, verbose_name='shown on the portal')),
                        ('voting_open', models.BooleanField(default=True, verbose_name='open for votes')),
                        ('vote_count', models.PositiveIntegerField(default=0)),
                        ('comment_count', models.PositiveIntegerField(default=0)),
                        ('created_at', models.DateTimeField(default=wavelength.core.clock.now)),
                        ('updated_at', models.DateTimeField(default=wavelength.core.clock.now)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('feature', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='portal_idea', to='catalog.feature')),
                    ],
                    options={
                        'verbose_name': 'portal idea',
                        'db_table': 'feedback_portalidea',
                        'ordering': ['-vote_count', '-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='PortalComment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=80, verbose_name='name')),
                        ('text', models.TextField(max_length=4000, verbose_name='comment')),
                        ('created_at', models.DateTimeField(default=wavelength.core.clock.now)),
                        ('contact', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='feedback.contact')),
                        ('idea', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='portal.portalidea')),
                    ],
                    options={
                        'verbose_name': 'portal comment',
                        'db_table': 'feedback_portalcomment',
                        'ordering': ['created_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='PortalSubscription',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(default=wavelength.core.clock.now)),
                        ('contact', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='portal_subscriptions', to='feedback.contact')),
                        ('idea', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='subscriptions', to='portal.portalidea')),
                    ],
                    options={
                        'verbose_name': 'portal subscription',
                        'db_table': 'feedback_portalsubscription',
                    },
                ),
                migrations.CreateModel(
                    name='PortalVote',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('verified_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(default=wavelength.core.clock.now)),
                        ('contact', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='portal_votes', to='feedback.contact')),
                        ('idea', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='votes', to='portal.portalidea')),
                        ('proxy_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'portal vote',
                        'db_table': 'feedback_portalvote',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.AddIndex(
                    model_name='portalidea',
                    index=models.Index(fields=['is_listed', 'vote_count'], name='portalidea_listed_votes'),
                ),
                migrations.AddIndex(
                    model_name='portalidea',
                    index=models.Index(fields=['is_listed', 'created_at'], name='portalidea_listed_new'),
                ),
                migrations.AddIndex(
                    model_name='portalcomment',
                    index=models.Index(fields=['idea', 'created_at'], name='portalcomment_idea'),
                ),
                migrations.AddConstraint(
                    model_name='portalsubscription',
                    constraint=models.UniqueConstraint(fields=('idea', 'contact'), name='portalsub_one_per_contact'),
                ),
                migrations.AddIndex(
                    model_name='portalvote',
                    index=models.Index(condition=models.Q(('verified_at__isnull', False)), fields=['idea'], name='portalvote_counted'),
                ),
                migrations.AddConstraint(
                    model_name='portalvote',
                    constraint=models.UniqueConstraint(fields=('idea', 'contact'), name='portalvote_one_per_contact'),
                ),
            ],
        ),
        move_content_types(
            models=["portalsettings", "portalidea", "portalvote", "portalcomment", "portalsubscription"],
            old_app="feedback",
            new_app="portal",
        ),
    ]
