"""Shared fixtures: the real container on a temporary data dir, with fakes only where a test asks."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from bootstrap.config import load_config
from bootstrap.container import build_container
from tests.fakes import FakeEngine, RecordingNotifier


@dataclass
class Harness:
    container: object
    engines: list
    notifier: RecordingNotifier

    @property
    def station(self):
        return self.container.use_cases.station()

    @property
    def storage(self):
        return self.container.infra.storage()

    @property
    def runner(self):
        return self.container.use_cases.runner()

    async def user(self, identity: str = "telegram:1", points: int = 0):
        user = await self.station.accounts.user_for(identity)
        if points:
            await self.station.points.grant(user.id, points)
        return user

    async def assert_ledger_consistent(self) -> None:
        assert await self.storage.ledger.verify() == []
        assert [str(v) for v in await self.container.use_cases.audit().violations()] == []


def env_for(tmp_path, **extra) -> dict:
    return {"STATIONTHIS_DATA_DIR": str(tmp_path / "var"), "STATIONTHIS_PROGRESS_INTERVAL": "0.05", **extra}


@pytest.fixture
async def harness(tmp_path):
    """The real application with an in-memory engine and a recording notifier."""
    engines = [FakeEngine()]
    notifier = RecordingNotifier()
    container = build_container(load_config(env=env_for(tmp_path), dotenv=False), engines=engines, notifier=notifier)
    await container.infra.storage().open()
    runner = container.use_cases.runner()
    await runner.start()
    harness = Harness(container, engines, notifier)
    yield harness
    await runner.stop()
    try:
        await harness.assert_ledger_consistent()  # after every workflow test: balances and every job's money
    finally:
        await container.infra.storage().close()
