"""Shared fixtures: the real container on a temporary data dir, with fakes only where a test asks."""
from __future__ import annotations

import sys
from dataclasses import dataclass

import pytest

from bootstrap.config import load_config
from bootstrap.container import build_container
from tests.fakes import FakeEngine, RecordingNotifier
from tests.plain_words import discord_texts, leaks, telegram_texts


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


TELEGRAM = ("tests.standins.telegram.standin", "TelegramStandin")
DISCORD = ("tests.standins.discord.standin", "DiscordStandin")


def _started(module: str, name: str) -> list:
    """The stand-ins of that kind started in this process (none when no test has imported them)."""
    found = sys.modules.get(module)
    return getattr(found, name).opened if found is not None else []


@pytest.fixture(autouse=True)
def users_read_plain_words(request):
    """After every conversation test: no message the stand-in platforms received shows a worker address, a node,
    a job id, a storage key or exception text (the stand-ins' own tests send arbitrary text and are left out)."""
    for kind in (TELEGRAM, DISCORD):
        _started(*kind).clear()
    yield
    if "standins" in request.node.path.parts:
        return
    texts = [t for tg in _started(*TELEGRAM) for t in telegram_texts(tg)]
    texts += [t for dc in _started(*DISCORD) for t in discord_texts(dc)]
    assert [leak for text in texts for leak in leaks(text)] == []
