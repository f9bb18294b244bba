"""factory_boy factories for tests and benchmarks. They build rows directly (no activity);
tests of behaviour go through the services."""

import factory
from django.utils.text import slugify

from wavelength.accounts.models import Role, Team, User
from wavelength.catalog.models import Area, ChangelogEntry, Feature, Product, Release


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    name = factory.Faker("name")
    role = Role.EDITOR
    password = factory.django.Password("correct-horse-battery")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    description = "A product."


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    product = factory.SubFactory(ProductFactory)
    name = factory.Sequence(lambda n: f"Area {n}")


class FeatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feature

    product = factory.SubFactory(ProductFactory)
    title = factory.Sequence(lambda n: f"Feature {n}")
    description = "Something customers want."


class ReleaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Release

    product = factory.SubFactory(ProductFactory)
    version = factory.Sequence(lambda n: f"1.{n}")


class ChangelogEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChangelogEntry

    release = factory.SubFactory(ReleaseFactory)
    title = factory.Sequence(lambda n: f"Change {n}")
    body = "Details."
