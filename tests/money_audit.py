"""The money audit run after an end-to-end test: balances and every job's money, read from the stopped app's store."""
from __future__ import annotations

from bootstrap.container import build_container
from bootstrap.storage_open import open_storage


async def assert_money_audit_clean(config) -> None:
    container = build_container(config)
    storage = container.infra.storage()
    await open_storage(storage, config)
    try:
        assert await storage.ledger.verify() == []
        assert [str(v) for v in await container.use_cases.audit().violations()] == []
    finally:
        await storage.close()
