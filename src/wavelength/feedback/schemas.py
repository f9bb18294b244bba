"""API schemas for customers, contacts, themes, feedback, links and demand."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from wavelength.accounts.schemas import UserRef
from wavelength.catalog.schemas import FeatureRef
from wavelength.core.schemas import AwareDatetime, Id, InputSchema, absolute_url

from .models import FeedbackType, Health, Importance, Segment, Sentiment, Source, Status

# Companies and contacts -------------------------------------------------------------------


class CompanyRef(Schema):
    id: int
    name: str


class CompanyOut(Schema):
    id: int
    name: str
    domains: list[str]
    segment: str
    plan: str
    arr: Decimal
    owner: UserRef | None
    health: Health
    merged_into: CompanyRef | None = Field(
        None, description="The company this one was merged into, if it was."
    )
    created_at: dt.datetime
    updated_at: dt.datetime
    url: str

    @staticmethod
    def resolve_url(obj, context) -> str:
        return absolute_url(context, obj.get_absolute_url())


class CompanyMergeIn(InputSchema):
    duplicate: Id = Field(description="The company to merge into this one.")


class CompanyMergeOut(Schema):
    id: int
    target: CompanyRef
    source: CompanyRef
    moved: dict[str, int] = Field(description="How many rows of each kind moved.")
    moved_domains: list[str]
    created_at: dt.datetime
    undone_at: dt.datetime | None

    @staticmethod
    def resolve_moved(obj) -> dict[str, int]:
        return {key: len(ids) for key, ids in obj.moved.items()}


class CompanyFilter(InputSchema):
    segment: Segment | None = None
    health: Health | None = None
    owner: Id | None = Field(None, description="Owner's user id.")
    q: str | None = Field(None, description="Words in the name, domains or plan.")


class CompanyIn(InputSchema):
    name: str
    domains: list[str] = []
    segment: Segment | None = None
    plan: str = ""
    arr: Decimal = Field(Decimal(0), description="Annual recurring revenue.")
    owner: Id | None = Field(None, description="User id of the account owner.")
    health: Health = Health.GOOD


class CompanyPatch(InputSchema):
    name: str = None
    domains: list[str] = None
    segment: Segment | None = None
    plan: str = None
    arr: Decimal = None
    owner: Id | None = Field(None, description="User id; null clears.")
    health: Health = None


class ContactOut(Schema):
    id: int
    name: str
    email: str
    company: CompanyRef | None
    created_at: dt.datetime


class ContactFilter(InputSchema):
    company: Id | None = None
    q: str | None = None


class ContactIn(InputSchema):
    email: str
    name: str = ""
    company: Id | None = Field(None, description="Defaults to the company of the domain.")


# Themes -----------------------------------------------------------------------------------


class ThemeOut(Schema):
    id: int
    name: str


class ThemeIn(InputSchema):
    name: str


# Feedback ---------------------------------------------------------------------------------


class LinkOut(Schema):
    id: int
    feature: FeatureRef
    importance: Importance
    quote: str
    quote_start: int | None
    quote_end: int | None
    created_at: dt.datetime


class FeedbackOut(Schema):
    id: int
    title: str
    text: str
    source: Source
    contact: ContactOut | None
    company: CompanyRef | None
    received_at: dt.datetime
    language: str
    type: str
    type_confidence: float | None = Field(
        None,
        description="The triage model's confidence when it chose the type; null once a "
        "person set it.",
    )
    sentiment: str
    status: Status
    tags: list[str]
    theme: ThemeOut | None
    external_id: str
    links: list[LinkOut]
    created_at: dt.datetime
    updated_at: dt.datetime
    url: str

    @staticmethod
    def resolve_tags(obj) -> list[str]:
        return [tag.name for tag in obj.tags.all()]

    @staticmethod
    def resolve_links(obj) -> list:
        return list(obj.links.all())

    @staticmethod
    def resolve_url(obj, context) -> str:
        return absolute_url(context, obj.get_absolute_url())


class FeedbackFilter(InputSchema):
    source: Source | None = None
    type: FeedbackType | None = None
    sentiment: Sentiment | None = None
    status: Status | None = None
    theme: Id | None = None
    segment: Segment | None = Field(None, description="The company's segment.")
    min_revenue: Decimal | None = Field(None, ge=0, description="Companies with ARR ≥ this.")
    since: AwareDatetime | None = Field(None, description="Received at or after (ISO 8601).")
    until: AwareDatetime | None = Field(None, description="Received at or before (ISO 8601).")
    language: str | None = Field(None, max_length=8)
    company: Id | None = None
    feature: Id | None = Field(None, description="Linked to this feature.")
    q: str | None = Field(None, description="Full-text search in the title and text.")


class FeedbackIn(InputSchema):
    title: str = ""
    text: str
    source: Source = Source.API
    contact_email: str = Field("", description="Finds or creates the contact and company.")
    contact_name: str = ""
    company: Id | None = None
    received_at: AwareDatetime | None = None
    language: str = ""
    type: FeedbackType | None = None
    sentiment: Sentiment | None = None
    tags: list[str] = []
    theme: Id | None = None
    external_id: str = Field("", description="Unique per source: a repeat is not stored again.")


class BulkIn(InputSchema):
    items: list[FeedbackIn] = Field(description="1 to 1,000 items, all recorded or none.")


class SkippedOut(Schema):
    index: int
    external_id: str
    id: int


class BulkOut(Schema):
    created: list[int] = Field(description="Ids of the new items, in the order sent.")
    skipped: list[SkippedOut] = Field(description="Items whose external id was already stored.")


class FeedbackPatch(InputSchema):
    title: str = None
    type: FeedbackType | None = None
    sentiment: Sentiment | None = None
    status: Status = None
    language: str = None
    theme: Id | None = Field(None, description="Theme id; null clears.")
    tags: list[str] = Field(None, description="Replaces the tags.")


class BulkUpdateIn(InputSchema):
    ids: list[Id] = Field(description="1 to 1,000 feedback ids.")
    action: str = Field(description="type, theme, status, archive or link.")
    value: str | int | None = Field(
        None, description="The new type, theme id or status, or the feature id to link to."
    )
    importance: Importance = Field(
        Importance.IMPORTANT, description="With link: how much the items ask for the feature."
    )


class LinkIn(InputSchema):
    feature: Id
    importance: Importance = Importance.IMPORTANT
    quote: str = ""
    quote_start: int | None = Field(None, ge=0)
    quote_end: int | None = Field(None, ge=0)


class MergeIn(InputSchema):
    duplicate: Id = Field(description="The item to merge into this one.")


class MergeOut(Schema):
    id: int
    survivor: int = Field(alias="survivor_id")
    duplicate: int = Field(alias="duplicate_id")
    copied_links: int
    created_at: dt.datetime
    undone_at: dt.datetime | None

    @staticmethod
    def resolve_copied_links(obj) -> int:
        return len(obj.copied_link_ids)


# Demand -----------------------------------------------------------------------------------


class QuoteOut(Schema):
    text: str
    importance: Importance
    company: str
    company_id: int | None
    contact: str
    feedback_id: int
    received_at: dt.datetime


class MonthOut(Schema):
    month: str = Field(description="YYYY-MM")
    count: int


class DemandOut(Schema):
    feature_id: int
    feedback_count: int = Field(description="Feedback items linked to the feature.")
    votes: int = Field(description="Counted portal votes for the feature's idea.")
    unique_companies: int = Field(
        description="Distinct companies asking in feedback or by a vote, each once."
    )
    revenue: Decimal = Field(
        description="Sum of the ARR of the distinct companies asking or voting."
    )
    trend: list[MonthOut]
    top_quotes: list[QuoteOut]

    @staticmethod
    def resolve_trend(obj) -> list[dict]:
        return [{"month": m, "count": n} for m, n in obj.trend]


class SuggestedFeatureOut(Schema):
    id: int
    title: str
    product: str
    score: float


class LikelyDuplicateOut(Schema):
    id: int
    title: str
    company: str | None
    score: float


class SuggestionsOut(Schema):
    features: list[SuggestedFeatureOut]
    duplicates: list[LikelyDuplicateOut]
