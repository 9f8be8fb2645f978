"""Settling a stored pending ledger entry on its account: applied or voided, decided once, on the account."""
from __future__ import annotations

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from adapters.storage.mongo.connection import MongoConnection
from domain.errors import ConcurrentUpdate

# How many recent decisions an account remembers. A stale copy of a pending entry can only be
# applied twice if this many later decisions land on the same account while it is held.
MARKS = 500
ROUNDS = 50


async def settle(db: MongoConnection, entry: dict) -> tuple[bool, int]:
    """(applied, balance after) for a stored entry. The account document decides atomically:
    apply it (if the balance covers it) or void it (if not), recording the id in `applied` or
    `voided` so that the decision is taken once, whoever calls, however often, from any process.
    Then the entry is marked settled (applied) or deleted (voided)."""
    accounts = db.db["accounts"]
    user, entry_id, amount = entry["user_id"], entry["_id"], entry["amount"]
    undecided = {"_id": user, "applied": {"$ne": entry_id}, "voided": {"$ne": entry_id}}
    for _ in range(ROUNDS):
        account = await db.call(
            accounts.find_one_and_update, {**undecided, "balance": {"$gte": -amount}},
            {"$inc": {"balance": amount}, "$push": {"applied": {"$each": [entry_id], "$slice": -MARKS}}},
            return_document=ReturnDocument.AFTER)
        if account is None:
            account = await db.call(accounts.find_one, {"_id": user})
        if account is None:
            await _open_account(db, user)
        elif entry_id in account.get("applied", ()):
            await db.call(db.db["ledger"].update_one, {"_id": entry_id}, {"$unset": {"pending": ""}})
            return True, account["balance"]
        elif entry_id in account.get("voided", ()):
            await db.call(db.db["ledger"].delete_one, {"_id": entry_id, "pending": True})
            return False, account["balance"]
        elif account["balance"] + amount < 0:
            await db.call(accounts.update_one, {**undecided, "balance": {"$lt": -amount}},
                          {"$push": {"voided": {"$each": [entry_id], "$slice": -MARKS}}})
        # Otherwise the balance moved under us between the two reads: decide again.
    raise ConcurrentUpdate(f"The balance of user {user} kept changing; entry {entry_id} is still pending.")


async def _open_account(db: MongoConnection, user: str) -> None:
    try:
        await db.call(db.db["accounts"].update_one, {"_id": user},
                      {"$setOnInsert": {"balance": 0, "applied": [], "voided": []}}, upsert=True)
    except DuplicateKeyError:  # another process opened it at the same moment
        pass
