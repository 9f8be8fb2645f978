"""SqliteQuoteRepository: prices offered in chats, kept until confirmed, cancelled or a day old."""
from __future__ import annotations

from adapters.storage.sqlite.database import SqliteDatabase
from adapters.storage.sqlite.documents import DocumentTable
from domain.quotes import PendingQuote

_QUOTES = DocumentTable("quotes", PendingQuote, lambda quote: {"user_id": quote.user_id,
                                                               "created_at": quote.created_at})


class SqliteQuoteRepository:
    def __init__(self, db: SqliteDatabase):
        self._db = db

    async def add(self, quote: PendingQuote) -> None:
        await self._db.write(_QUOTES.insert, quote)

    async def get(self, quote_id: str) -> PendingQuote | None:
        return await self._db.run(_QUOTES.get, quote_id)

    async def delete(self, quote_id: str) -> None:
        await self._db.write(_QUOTES.delete, quote_id)

    async def prune(self, before: float) -> None:
        await self._db.write(lambda conn: conn.execute("DELETE FROM quotes WHERE created_at < ?", (before,)))
