"""Every index the store relies on, created idempotently when it opens (ids, codes and users use `_id`)."""
from __future__ import annotations

from pymongo import ASCENDING as UP
from pymongo import IndexModel
from pymongo.database import Database

from adapters.storage.mongo.codec import NEWEST, OLDEST

INDEXES = {
    "users": [IndexModel(OLDEST, name="oldest_first")],
    "identities": [IndexModel([("user_id", UP)], name="by_user")],
    "credentials": [IndexModel([("digest", UP)], name="one_per_secret", unique=True),
                    IndexModel([("user_id", UP), *NEWEST], name="of_user"),
                    IndexModel([("expires_at", UP)], name="by_expiry")],
    "ledger": [
        IndexModel([("key", UP)], name="one_entry_per_key", unique=True),
        # Sparse: only refunds carry the field, and each charge can be refunded once.
        IndexModel([("refund_of", UP)], name="one_refund_per_charge", unique=True, sparse=True),
        # Sparse: only entries not yet settled on their account carry `pending`.
        IndexModel([("pending", UP)], name="pending", sparse=True),
        IndexModel([("user_id", UP), *NEWEST], name="history"),
    ],
    "jobs": [
        IndexModel([("state", UP), *OLDEST], name="by_state"),
        IndexModel([("worker", UP), ("state", UP)], name="by_worker"),
        IndexModel([("user_id", UP), *NEWEST], name="of_user"),
        IndexModel([("user_id", UP), ("state", UP), *NEWEST], name="of_user_by_state"),
        # Partial: paid jobs not refunded; by state, so ended ones still owing a refund are found at once.
        IndexModel([("state", UP), *OLDEST], name="unsettled",
                   partialFilterExpression={"paid": True, "refunded": False}),
    ],
    "datasets": [IndexModel([("owner", UP), ("name", UP)], name="by_owner_name"),
                 IndexModel([("owner", UP), *NEWEST], name="of_user")],
    "runs": [IndexModel([("job_id", UP)], name="by_job"),
             IndexModel([("owner", UP), *NEWEST], name="of_user")],
    "models": [IndexModel([("owner", UP), *NEWEST], name="of_user"),
               IndexModel([("name", UP)], name="by_name"),
               IndexModel([("shared_with.user", UP)], name="shared"),
               IndexModel([("visibility", UP)], name="by_visibility")],
    "quotes": [IndexModel([("created_at", UP)], name="by_time")],
    "collections": [IndexModel([("owner", UP), *NEWEST], name="of_user"),
                    IndexModel([("shared_with.user", UP)], name="shared"),
                    IndexModel([("link_token", UP)], name="by_link")],
}


def ensure_indexes(db: Database) -> None:
    """Create what is missing; an index that already exists with the same definition is left alone."""
    for name, models in INDEXES.items():
        db[name].create_indexes(models)
