"""Closing the loop's sends, messages and follow-up tasks, and the e-mails to the followers of
portal ideas, moved from the feedback app with their tables."""

import django.db.models.deletion
import wavelength.core.clock
from django.conf import settings
from django.db import migrations, models

from wavelength.core.moves import move_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('catalog', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0004_searchentry_audience'),
        ('feedback', '0011_move_scores_to_prioritisation'),
        ('portal', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables stay where the feedback app created them (Meta.db_table).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='FollowUpTask',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('trigger', models.CharField(max_length=40, verbose_name='trigger')),
                        ('text', models.CharField(max_length=500, verbose_name='task')),
                        ('created_at', models.DateTimeField(default=wavelength.core.clock.now)),
                        ('done_at', models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        'verbose_name': 'follow-up task',
                        'db_table': 'feedback_followuptask',
                        'ordering': ['done_at', '-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='LoopMessage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('trigger', models.CharField(max_length=40, verbose_name='trigger')),
                        ('language', models.CharField(default='en', max_length=8, verbose_name='language')),
                        ('subject', models.CharField(max_length=200, verbose_name='subject')),
                        ('body', models.TextField(max_length=10000, verbose_name='message')),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('queued', 'Queued'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed'), ('skipped', 'Skipped')], default='draft', max_length=10, verbose_name='status')),
                        ('prepared_at', models.DateTimeField(default=wavelength.core.clock.now)),
                        ('edited_at', models.DateTimeField(blank=True, null=True)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('error', models.CharField(blank=True, max_length=500, verbose_name='error')),
                        ('claimed_at', models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        'verbose_name': 'close-the-loop message',
                        'db_table': 'feedback_loopmessage',
                        'ordering': ['company__name', 'contact__email', 'prepared_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='LoopSend',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('requested_at', models.DateTimeField(default=wavelength.core.clock.now)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('base_url', models.CharField(blank=True, max_length=200)),
                    ],
                    options={
                        'verbose_name': 'close-the-loop send',
                        'db_table': 'feedback_loopsend',
                        'ordering': ['-requested_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='FollowerNotification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('pending', 'Pending'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed')], default='pending', max_length=10)),
                        ('error', models.CharField(blank=True, max_length=500)),
                        ('created_at', models.DateTimeField(default=wavelength.core.clock.now)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('activity', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='core.activity')),
                        ('contact', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='feedback.contact')),
                    ],
                    options={
                        'verbose_name': 'idea follower notification',
                        'db_table': 'feedback_followernotification',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.AddField(
                    model_name='followernotification',
                    name='idea',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='portal.portalidea'),
                ),
                migrations.AddField(
                    model_name='followuptask',
                    name='company',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='follow_ups', to='feedback.company'),
                ),
                migrations.AddField(
                    model_name='followuptask',
                    name='done_by',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AddField(
                    model_name='followuptask',
                    name='feature',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='catalog.feature'),
                ),
                migrations.AddField(
                    model_name='followuptask',
                    name='owner',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='follow_ups', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AddField(
                    model_name='loopmessage',
                    name='company',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='loop_messages', to='feedback.company'),
                ),
                migrations.AddField(
                    model_name='loopmessage',
                    name='contact',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='loop_messages', to='feedback.contact'),
                ),
                migrations.AddField(
                    model_name='loopmessage',
                    name='feature',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='loop_messages', to='catalog.feature'),
                ),
                migrations.AddField(
                    model_name='loopmessage',
                    name='release',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='catalog.release'),
                ),
                migrations.AddField(
                    model_name='loopmessage',
                    name='sent_by',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AddField(
                    model_name='loopsend',
                    name='feature',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='catalog.feature'),
                ),
                migrations.AddField(
                    model_name='loopsend',
                    name='requested_by',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AddField(
                    model_name='loopmessage',
                    name='send',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='messages', to='outreach.loopsend'),
                ),
                migrations.AddConstraint(
                    model_name='followernotification',
                    constraint=models.UniqueConstraint(fields=('activity', 'idea', 'contact'), name='followernotice_once_per_move'),
                ),
                migrations.AddIndex(
                    model_name='followuptask',
                    index=models.Index(fields=['company', 'done_at'], name='followup_company_open'),
                ),
                migrations.AddConstraint(
                    model_name='followuptask',
                    constraint=models.UniqueConstraint(fields=('company', 'feature', 'trigger'), name='followup_once_per_trigger'),
                ),
                migrations.AddIndex(
                    model_name='loopsend',
                    index=models.Index(fields=['feature', 'requested_at'], name='loopsend_feature'),
                ),
                migrations.AddIndex(
                    model_name='loopmessage',
                    index=models.Index(fields=['feature', 'status'], name='loopmessage_feature_status'),
                ),
                migrations.AddIndex(
                    model_name='loopmessage',
                    index=models.Index(fields=['feature', 'sent_at'], name='loopmessage_feature_sent'),
                ),
                migrations.AddConstraint(
                    model_name='loopmessage',
                    constraint=models.UniqueConstraint(fields=('feature', 'contact', 'trigger'), name='loopmessage_once_per_trigger'),
                ),
            ],
        ),
        move_content_types(
            models=["loopsend", "loopmessage", "followuptask", "followernotification"],
            old_app="feedback",
            new_app="outreach",
        ),
    ]
