"""Shipping used to be part of the ``change`` event; whoever chose a channel for it keeps that
channel for the new ``shipped`` event."""

from django.db import migrations


def forward(apps, schema_editor):
    Preference = apps.get_model("conversations", "Preference")
    had = set(Preference.objects.filter(event="shipped").values_list("user_id", flat=True))
    Preference.objects.bulk_create(
        Preference(user_id=p.user_id, event="shipped", channel=p.channel)
        for p in Preference.objects.filter(event="change").exclude(user_id__in=had)
    )


def backward(apps, schema_editor):
    Preference = apps.get_model("conversations", "Preference")
    Preference.objects.filter(event__in=["shipped", "gate", "edit"]).delete()
    Preference.objects.filter(channel__in=["daily", "weekly"]).update(channel="in_app")


class Migration(migrations.Migration):
    dependencies = [("conversations", "0002_digests")]

    operations = [migrations.RunPython(forward, backward)]
