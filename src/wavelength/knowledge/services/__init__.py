"""Every write to the knowledge base. One transaction each, with its activity row."""

from .governance import (
    approvers_of,
    missing_approvals,
    page_approve,
    page_mark_read,
    page_set_status,
    page_verify,
    pages_mark_stale_for_activity,
    review_reminders_send,
)
from .pages import (
    MISSING,
    attachment_add,
    attachment_delete,
    index_page,
    page_create,
    page_delete,
    page_restore,
    page_update,
    search_reindex,
    space_create,
    space_update,
    store_links,
)

__all__ = [
    "MISSING",
    "approvers_of",
    "attachment_add",
    "attachment_delete",
    "index_page",
    "missing_approvals",
    "page_approve",
    "page_create",
    "page_delete",
    "page_mark_read",
    "page_restore",
    "page_set_status",
    "page_update",
    "page_verify",
    "pages_mark_stale_for_activity",
    "review_reminders_send",
    "search_reindex",
    "space_create",
    "space_update",
    "store_links",
]
