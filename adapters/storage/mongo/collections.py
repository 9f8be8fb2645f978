"""MongoCollectionRepository: collections of images and models, found by owner, share or link."""
from __future__ import annotations

from adapters.storage.mongo import codec
from adapters.storage.mongo.connection import MongoConnection
from adapters.storage.mongo.documents import Documents
from domain.collections import Collection


class MongoCollectionRepository:
    def __init__(self, db: MongoConnection):
        self.docs = Documents(db, "collections", codec.shared_doc, codec.collection)

    async def add(self, collection: Collection) -> None:
        await self.docs.add(collection)

    async def get(self, collection_id: str) -> Collection | None:
        return await self.docs.one({"_id": collection_id})

    async def save(self, collection: Collection) -> None:
        await self.docs.save(collection)

    async def delete(self, collection_id: str) -> None:
        await self.docs.delete(collection_id)

    async def visible_to(self, user_id: str) -> list[Collection]:
        return await self.docs.many({"$or": [{"owner": user_id}, {"shared_with.user": user_id}]})

    async def by_link(self, token: str) -> Collection | None:
        return await self.docs.one({"link_token": token})
