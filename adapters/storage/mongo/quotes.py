"""MongoQuoteRepository: prices offered in chats, kept until confirmed, cancelled or a day old."""
from __future__ import annotations

from adapters.storage.mongo import codec
from adapters.storage.mongo.connection import MongoConnection
from adapters.storage.mongo.documents import Documents
from domain.quotes import PendingQuote


class MongoQuoteRepository:
    def __init__(self, db: MongoConnection):
        self.db = db
        self.docs = Documents(db, "quotes", codec.to_doc, codec.quote)

    async def add(self, quote: PendingQuote) -> None:
        await self.docs.add(quote)

    async def get(self, quote_id: str) -> PendingQuote | None:
        return await self.docs.one({"_id": quote_id})

    async def delete(self, quote_id: str) -> None:
        await self.docs.delete(quote_id)

    async def prune(self, before: float) -> None:
        await self.db.repeatable(self.db.db["quotes"].delete_many, {"created_at": {"$lt": before}})
