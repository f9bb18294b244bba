"""API schemas of test management."""

import datetime as dt

from ninja import Field, Schema

from wavelength.accounts.schemas import UserRef
from wavelength.catalog.schemas import FeatureRef, Key
from wavelength.core.schemas import Id, InputSchema, absolute_url

from .models import Priority

# Suites -----------------------------------------------------------------------------------


class SuiteOut(Schema):
    id: int
    product: str = Field(description="The product's slug.")
    parent: int | None = Field(description="The enclosing suite's id.")
    name: str
    description: str
    created_at: dt.datetime

    @staticmethod
    def resolve_product(obj) -> str:
        return obj.product.slug

    @staticmethod
    def resolve_parent(obj) -> int | None:
        return obj.parent_id


class SuiteFilter(InputSchema):
    product: Key | None = Field(None, description="Product id or slug.")


class SuiteIn(InputSchema):
    product: Key = Field(description="Product id or slug.")
    parent: Id | None = Field(None, description="A suite of that product to nest under.")
    name: str
    description: str = ""


class SuitePatch(InputSchema):
    parent: Id | None = Field(None, description="Move under this suite; null moves to the top.")
    name: str = None
    description: str = None


# Cases ------------------------------------------------------------------------------------


class StepIn(InputSchema):
    action: str
    expected: str = ""


class StepOut(Schema):
    action: str
    expected: str


class CaseOut(Schema):
    id: int
    key: str
    product: str
    suite: int
    title: str
    preconditions: str
    steps: list[StepOut]
    priority: Priority
    tags: list[str]
    features: list[FeatureRef]
    automation_id: str = Field(description="The automated test's id, e.g. tests/a.py::test_b.")
    version: int = Field(description="The latest version; send it back as expected_version.")
    archived: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    url: str

    @staticmethod
    def resolve_product(obj) -> str:
        return obj.product.slug

    @staticmethod
    def resolve_suite(obj) -> int:
        return obj.suite_id

    @staticmethod
    def resolve_tags(obj) -> list[str]:
        return [t.name for t in obj.tags.all()]

    @staticmethod
    def resolve_features(obj) -> list:
        return list(obj.features.all())

    @staticmethod
    def resolve_url(obj, context) -> str:
        return absolute_url(context, obj.get_absolute_url())


class CaseFilter(InputSchema):
    product: Key | None = Field(None, description="Product id or slug.")
    suite: Id | None = Field(None, description="A suite; its sub-suites are included.")
    tag: str | None = None
    feature: Id | None = None
    priority: Priority | None = None
    automated: bool | None = Field(None, description="Only cases with (or without) an id.")
    archived: bool = False
    q: str | None = Field(None, description="Words in the title or automated-test id.")


class CaseIn(InputSchema):
    suite: Id
    title: str
    preconditions: str = ""
    steps: list[StepIn] = []
    priority: Priority = Priority.MEDIUM
    tags: list[str] = []
    features: list[Id] = []
    automation_id: str = ""


class CasePatch(InputSchema):
    expected_version: int | None = Field(
        None, description="The version you edited; a newer one answers 409."
    )
    suite: Id = None
    title: str = None
    preconditions: str = None
    steps: list[StepIn] = None
    priority: Priority = None
    tags: list[str] = None
    features: list[Id] = None
    automation_id: str = None
    archived: bool = None


class CaseVersionOut(Schema):
    number: int
    title: str
    preconditions: str
    steps: list[StepOut]
    priority: Priority
    automation_id: str
    tags: list[str]
    feature_ids: list[int]
    author: UserRef | None
    created_at: dt.datetime
