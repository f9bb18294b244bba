"""The portal's and the outreach's models moved to their own apps (the portal, the outreach)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('feedback', '0011_move_scores_to_prioritisation'),
        ('outreach', '0001_initial'),
        ('portal', '0001_initial'),
    ]

    operations = [
        # Only the migration state: the tables now belong to the new apps' models.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='FollowerNotification'),
                migrations.DeleteModel(name='LoopMessage'),
                migrations.DeleteModel(name='LoopSend'),
                migrations.DeleteModel(name='FollowUpTask'),
                migrations.DeleteModel(name='PortalComment'),
                migrations.DeleteModel(name='PortalSubscription'),
                migrations.DeleteModel(name='PortalVote'),
                migrations.DeleteModel(name='PortalIdea'),
                migrations.DeleteModel(name='PortalSettings'),
            ],
        ),
    ]
