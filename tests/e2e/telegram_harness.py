"""Shared by the Telegram tests (no tests here): the real StationApp wired to the stand-in Bot API, and helpers."""
from __future__ import annotations

import asyncio
import io
import os
import sys
from contextlib import asynccontextmanager
from pathlib import Path

from PIL import Image

from bootstrap.app import StationApp
from bootstrap.config import load_config
from bootstrap.container import build_container
from tests.money_audit import assert_money_audit_clean
from tests.standins.telegram import Call, ChatMessage, TelegramStandin

TOKEN = "123456:TEST-token"
USER = 1001  # the stand-in's default user; their private chat has the same id
ROOT = Path(__file__).resolve().parents[2]


def picture(width: int = 128, height: int = 128, color: str = "teal", kind: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, kind)
    return buffer.getvalue()


def station_config(data_dir: Path, tg: TelegramStandin, comfy_url: str = "http://127.0.0.1:9", **env: str):
    return load_config(env={
        "STATIONTHIS_DATA_DIR": str(data_dir), "COMFYUI_URLS": comfy_url, "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": f"{tg.url}/bot", "STATIONTHIS_PROGRESS_INTERVAL": "0.2", "WEB_PORT": "0", **env,
    }, dotenv=False)


@asynccontextmanager
async def running_station(data_dir: Path, tg: TelegramStandin, comfy_url: str = "http://127.0.0.1:9",
                          engines: list | None = None, **env: str):
    """`stationthis run` in this loop: storage, job runner, web and the Telegram bot polling the stand-in."""
    config = station_config(data_dir, tg, comfy_url, **env)
    app = StationApp(config, build_container(config, engines=engines) if engines else None)
    await app.start()
    try:
        yield app
    finally:
        await app.stop()
    await assert_money_audit_clean(config)


async def cli(data_dir: Path, *args: str) -> str:
    """Run `python -m bootstrap ARGS` as an operator would, against the test's data directory."""
    env = {**os.environ, "STATIONTHIS_DATA_DIR": str(data_dir), "STATIONTHIS_ENV_FILE": str(data_dir / "none.env")}
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bootstrap", *args, cwd=ROOT, env=env,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    return out.decode()


async def grant(app: StationApp, identity: str, amount: int) -> None:
    station = app.container.use_cases.station()
    user = await station.accounts.user_for(identity)
    await station.points.grant(user.id, amount, "test grant")


async def balance(app: StationApp, identity: str = f"telegram:{USER}") -> int:
    station = app.container.use_cases.station()
    return await station.points.balance((await station.accounts.user_for(identity)).id)


def bot_message(*fragments: str, chat: int | None = None):
    """A bot message (as it stands now, not deleted) whose text or caption holds every fragment."""
    def match(item) -> bool:
        return (isinstance(item, ChatMessage) and item.from_bot and not item.deleted
                and (chat is None or item.chat_id == chat) and all(f in (item.text or "") for f in fragments))

    return match


def bot_media(kind: str = "photo", *fragments: str, after: int = 0, chat: int | None = None):
    """A bot photo or document, newer than message id `after`, whose caption holds every fragment."""
    def match(item) -> bool:
        return (bot_message(*fragments, chat=chat)(item) and kind in item.data and item.message_id > after)

    return match


def calls(tg: TelegramStandin, method: str, ok: bool = True) -> list[Call]:
    return [c for c in tg.calls(method) if c.ok == ok]


def photos(tg: TelegramStandin, chat: int = USER) -> list[ChatMessage]:
    return [m for m in tg.messages_in(chat) if "photo" in m.data or "document" in m.data]
