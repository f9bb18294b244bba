"""Counts the demand figures of every feature asked for, from the links and the counted
portal votes (the rule of ``services/demand.py``, written against this migration's models)."""

from decimal import Decimal

from django.db import migrations
from django.db.models import Count, Q

CHUNK = 500


def _figures(apps, feature_ids):
    Link = apps.get_model("feedback", "FeedbackLink")
    Vote = apps.get_model("portal", "PortalVote")
    figures = {pk: {"items": 0, "support_items": 0, "votes": 0} for pk in feature_ids}
    links = Link.objects.filter(feature_id__in=feature_ids).order_by()
    for pk, n, s in links.values("feature_id").annotate(
        n=Count("feedback_id", distinct=True),
        s=Count("feedback_id", distinct=True, filter=Q(feedback__source="support")),
    ).values_list("feature_id", "n", "s"):
        figures[pk].update(items=n, support_items=s)
    votes = Vote.objects.filter(verified_at__isnull=False, idea__feature_id__in=feature_ids)
    for pk, n in votes.order_by().values("idea__feature_id").annotate(n=Count("pk")).values_list(
        "idea__feature_id", "n"
    ):
        figures[pk]["votes"] = n
    companies: dict[int, dict[int, Decimal]] = {pk: {} for pk in feature_ids}
    wrote = links.exclude(feedback__company=None).values_list(
        "feature_id", "feedback__company_id", "feedback__company__arr"
    )
    voted = votes.exclude(contact__company=None).values_list(
        "idea__feature_id", "contact__company_id", "contact__company__arr"
    )
    for rows in (wrote, voted):
        for pk, company, arr in rows.iterator(chunk_size=5000):
            companies[pk][company] = Decimal(arr)
    for pk, asking in companies.items():
        figures[pk].update(companies=len(asking), revenue=sum(asking.values(), Decimal("0")))
    return figures


def backfill(apps, schema_editor):
    Demand = apps.get_model("feedback", "FeatureDemand")
    Link = apps.get_model("feedback", "FeedbackLink")
    Vote = apps.get_model("portal", "PortalVote")
    asked = set(Link.objects.values_list("feature_id", flat=True).distinct())
    counted = Vote.objects.filter(verified_at__isnull=False)
    asked |= set(counted.values_list("idea__feature_id", flat=True).distinct())
    ids = sorted(asked - {None})
    for start in range(0, len(ids), CHUNK):
        figures = _figures(apps, ids[start : start + CHUNK])
        Demand.objects.bulk_create(
            [Demand(feature_id=pk, **values) for pk, values in figures.items()],
            batch_size=CHUNK,
        )


def forget(apps, schema_editor):
    apps.get_model("feedback", "FeatureDemand").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0017_feature_demand"),
        ("portal", "0002_vote_mailbox"),
    ]

    operations = [migrations.RunPython(backfill, forget)]
