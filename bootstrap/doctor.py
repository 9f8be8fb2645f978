"""`stationthis doctor`: one ok/fail line for storage, each ComfyUI worker and each token."""
from __future__ import annotations

from typing import AsyncIterator

import httpx

from bootstrap.container import build_container

TIMEOUT = 5.0


async def checks(config) -> AsyncIterator[tuple[str, bool, str]]:
    container = build_container(config)
    yield await _storage(container, config)
    for engine in container.infra.engines():
        yield await _worker(engine)
        await engine.close()
    if config.telegram_token:
        yield await _telegram(config)
    if config.discord_token:
        yield await _discord(config)


async def _storage(container, config) -> tuple[str, bool, str]:
    storage = container.infra.storage()
    try:
        await storage.open()
        await storage.ping()
        await storage.close()
        return "storage", True, config.storage_kind
    except Exception as error:
        return "storage", False, str(error)


async def _worker(engine) -> tuple[str, bool, str]:
    try:
        health = await engine.health()
        return f"comfyui {engine.name}", health.ok, health.message or f"{health.queue_remaining} in queue"
    except Exception as error:
        return f"comfyui {engine.name}", False, str(error)


async def _telegram(config) -> tuple[str, bool, str]:
    base = (config.telegram_api_base_url or "https://api.telegram.org/bot").rstrip("/")
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT) as http:
            answer = (await http.get(f"{base}{config.telegram_token}/getMe")).json()
        if answer.get("ok"):
            return "telegram token", True, f"bot @{answer['result'].get('username')}"
        return "telegram token", False, answer.get("description", "refused")
    except (httpx.HTTPError, ValueError) as error:
        return "telegram token", False, f"Bot API unreachable: {type(error).__name__}"


async def _discord(config) -> tuple[str, bool, str]:
    base = (config.discord_api_base_url or "https://discord.com/api/v10").rstrip("/")
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT) as http:
            answer = await http.get(f"{base}/users/@me", headers={"Authorization": f"Bot {config.discord_token}"})
        if answer.status_code == 200:
            return "discord token", True, f"bot {answer.json().get('username')}"
        return "discord token", False, f"refused with HTTP {answer.status_code}"
    except (httpx.HTTPError, ValueError) as error:
        return "discord token", False, f"Discord API unreachable: {type(error).__name__}"


async def fetch_object_info(url: str) -> dict:
    async with httpx.AsyncClient(timeout=30) as http:
        answer = await http.get(f"{url.rstrip('/')}/object_info")
        answer.raise_for_status()
        return answer.json()
