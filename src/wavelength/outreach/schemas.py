"""The close-the-loop API's request and answer bodies."""

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from wavelength.accounts.schemas import UserRef
from wavelength.catalog.schemas import FeatureRef, ReleaseRef
from wavelength.core.api import Pagination
from wavelength.core.schemas import InputSchema
from wavelength.feedback.schemas import CompanyRef

from .models import LoopStatus, trigger_label

# Schemas ----------------------------------------------------------------------------------


class TriggerOut(Schema):
    trigger: str = Field(description='"stage:beta", "stage:generally_available" or "release:<id>".')
    label: str
    release: ReleaseRef | None


class LoopCountsOut(Schema):
    drafts: int
    queued: int
    sending: int
    sent: int
    failed: int
    skipped: int = Field(description="Contacts who unsubscribed.")
    total: int


class LoopContactOut(Schema):
    id: int
    name: str
    email: str


class LoopMessageOut(Schema):
    id: int
    contact: LoopContactOut
    company: CompanyRef | None
    trigger: str
    trigger_label: str
    release: ReleaseRef | None
    language: str = Field(description='"en" or "fr", after the contact\'s own feedback.')
    subject: str
    body: str = Field(description="The unsubscribe link is added below it when it is sent.")
    status: LoopStatus
    error: str = Field(description="Why the last sending failed, until a retry sends it.")
    send: int | None = Field(alias="send_id", description="The job that sends it (or sent it).")
    prepared_at: dt.datetime
    edited_at: dt.datetime | None
    sent_at: dt.datetime | None

    @staticmethod
    def resolve_trigger_label(obj) -> str:
        return str(trigger_label(obj.trigger, obj.release))


class LoopMessagePage(Schema):
    items: list[LoopMessageOut]
    count: int


class SendCountsOut(Schema):
    total: int
    queued: int
    sending: int
    sent: int
    failed: int
    skipped: int


class LoopSendOut(Schema):
    id: int
    feature: int
    requested_by: UserRef | None
    requested_at: dt.datetime
    finished_at: dt.datetime | None
    finished: bool
    state: Literal["queued", "sending", "sent", "failed"] = Field(
        description="queued (nothing taken yet), sending, sent, or failed (done, some failed)."
    )
    counts: SendCountsOut

    @staticmethod
    def resolve_id(obj) -> int:
        return obj.send.pk

    @staticmethod
    def resolve_feature(obj) -> int:
        return obj.send.feature_id

    @staticmethod
    def resolve_requested_by(obj):
        return obj.send.requested_by

    @staticmethod
    def resolve_requested_at(obj) -> dt.datetime:
        return obj.send.requested_at

    @staticmethod
    def resolve_finished_at(obj) -> dt.datetime | None:
        return obj.send.finished_at

    @staticmethod
    def resolve_finished(obj) -> bool:
        return obj.send.finished_at is not None

    @staticmethod
    def resolve_counts(obj):
        return obj


class LoopOut(Schema):
    feature: FeatureRef
    triggers: list[TriggerOut] = Field(
        description="What the customers can be told now; none before beta, general "
        "availability or a shipped release."
    )
    counts: LoopCountsOut = Field(description="The feature's messages per status.")
    latest_send: LoopSendOut | None = Field(description="The latest sending job, if any.")
    messages: LoopMessagePage


class LoopFilter(Pagination.Input):
    status: LoopStatus | None = Field(None, description="Only the messages in this status.")


class PreparedOut(Schema):
    drafts: int = Field(description="Drafts added.")
    skipped: int = Field(description="Messages added as skipped: the contact unsubscribed.")
    counts: LoopCountsOut = Field(description="The feature's messages per status, after.")


class LoopMessagePatch(InputSchema):
    subject: str = Field(None, description="At most 200 characters.")
    body: str = Field(None, description="At most 10,000 characters.")


class LoopSendIn(InputSchema):
    retry: bool = Field(
        False, description="Send again the messages whose sending failed, instead of the drafts."
    )
