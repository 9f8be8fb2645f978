"""MongoUserRepository and MongoLinkCodeRepository: users, the identities they own, one-time link codes."""
from __future__ import annotations

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from adapters.storage.mongo import codec
from adapters.storage.mongo.connection import MongoConnection
from adapters.storage.mongo.merge import MongoAccountMerge
from domain.identity import LinkCode, User
from domain.ledger import LedgerEntry


class MongoUserRepository:
    """`identities` maps each identity (its `_id`) to one user, so claiming an identity is one atomic write."""

    def __init__(self, db: MongoConnection, merging: MongoAccountMerge):
        self.db, self.merging = db, merging

    async def get(self, user_id: str) -> User | None:
        doc = await self.db.repeatable(self._users.find_one, {"_id": user_id})
        return codec.user(doc) if doc else None

    async def add(self, user: User, identity: str) -> User:
        """Claim the identity for `user`, then store the user; if the identity was already claimed,
        its owner is returned (and recreated from `user`'s details if a crash lost it in between)."""
        return await self.db.retrying(lambda: self._add(user, identity))

    async def by_identity(self, identity: str) -> User | None:
        link = await self.db.repeatable(self._identities.find_one, {"_id": identity})
        return await self.get(link["user_id"]) if link else None

    async def identities(self, user_id: str) -> list[str]:
        docs = await self.db.repeatable(lambda: list(self._identities.find({"user_id": user_id}, sort=[("_id", 1)])))
        return [doc["_id"] for doc in docs]

    async def attach(self, identity: str, user_id: str) -> None:
        await self.db.retrying(lambda: self._upsert(self._identities, identity, {"$set": {"user_id": user_id}}))

    async def all_ids(self) -> list[str]:
        docs = await self.db.repeatable(lambda: list(self._users.find({}, {"_id": 1}, sort=codec.OLDEST)))
        return [doc["_id"] for doc in docs]

    async def merge(self, source: str, target: str, points: tuple[LedgerEntry, ...]) -> None:
        await self.merging.merge(source, target, points)

    async def _add(self, user: User, identity: str) -> User:
        await self._upsert(self._identities, identity, {"$setOnInsert": {"user_id": user.id}})
        owner = (await self.db.call(self._identities.find_one, {"_id": identity}))["user_id"]
        details = codec.fields_of(codec.stamped(codec.to_doc(user)))
        await self._upsert(self._users, owner, {"$setOnInsert": details})
        return codec.user(await self.db.call(self._users.find_one, {"_id": owner}))

    async def _upsert(self, collection, _id: str, update: dict) -> None:
        try:
            await self.db.call(collection.update_one, {"_id": _id}, update, upsert=True)
        except DuplicateKeyError:  # two upserts of one new _id at once: the other one created it
            await self.db.call(collection.update_one, {"_id": _id}, update)

    @property
    def _users(self):
        return self.db.db["users"]

    @property
    def _identities(self):
        return self.db.db["identities"]


class MongoLinkCodeRepository:
    def __init__(self, db: MongoConnection):
        self.db = db

    async def add(self, code: LinkCode) -> None:
        doc = {"_id": code.code, "user_id": code.user_id, "expires_at": code.expires_at, "used": code.used}
        await self.db.once(self._codes.insert_one, doc)

    async def peek(self, code: str, now: float) -> LinkCode | None:
        doc = await self.db.repeatable(self._codes.find_one, {"_id": code, "used": False, "expires_at": {"$gt": now}})
        return codec.link_code(doc) if doc else None

    async def consume(self, code: str, now: float) -> LinkCode | None:
        doc = await self.db.once(self._codes.find_one_and_update,
                                  {"_id": code, "used": False, "expires_at": {"$gt": now}},
                                  {"$set": {"used": True}}, return_document=ReturnDocument.AFTER)
        return codec.link_code(doc) if doc else None

    @property
    def _codes(self):
        return self.db.db["link_codes"]
