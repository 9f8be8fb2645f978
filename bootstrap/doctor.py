"""`stationthis doctor`: ok/warn/FAIL lines for storage, each ComfyUI worker (its previews, extension and the tools
it can run) and each token."""
from __future__ import annotations

from typing import AsyncIterator

import httpx

from bootstrap.container import build_container
from bootstrap.tool_fitness import tool_fitness

TIMEOUT = 5.0


async def checks(config) -> AsyncIterator[tuple[str, bool | None, str]]:
    """(what, ok, detail); ok None is a warning: worth knowing, not a failure."""
    container = build_container(config)
    yield await _storage(container, config)
    templates = container.infra.catalogue().templates()
    runnable: set[str] = set()
    packs_only: set[str] = set()  # tools some worker lacks only the declared custom node packs for
    for engine in container.infra.engines():
        worker = await _worker(engine)
        yield worker
        if worker[1]:
            yield await _previews(engine)
            yield await _extension(engine)
            for line in await _tools(engine, templates, runnable, packs_only):
                yield line
        await engine.close()
    waiting = sorted(packs_only - runnable)  # only a custom node pack stands between them and a worker
    stranded = [t.name for t in templates if t.name not in runnable and t.name not in waiting]
    if stranded or not waiting:
        yield "tools", not stranded, (f"no worker can run {', '.join(stranded)}" if stranded else
                                      f"each of the {len(templates)} tools can run on at least one worker")
    if waiting:
        yield "tools", None, (f"{', '.join(waiting)}: no worker has the custom node packs they need yet; install "
                              "them (each worker's lines above name them) or remove those templates")
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
        version = health.details.get("comfyui_version") or "of unknown version"
        return f"comfyui {engine.name}", health.ok, health.message or \
            f"ComfyUI {version}, {health.queue_remaining} in queue"
    except Exception as error:
        return f"comfyui {engine.name}", False, str(error)


async def _previews(engine) -> tuple[str, bool | None, str]:
    try:
        sends = (await engine.health()).previews
    except Exception as error:
        return f"comfyui {engine.name} previews", None, f"could not tell: {error}"
    if sends:
        return f"comfyui {engine.name} previews", True, "it sends a picture of each step; users see it form"
    return f"comfyui {engine.name} previews", None, \
        "it sends none: start ComfyUI with --preview-method latent2rgb (or auto) to show pictures forming"


async def _extension(engine) -> tuple[str, bool | None, str]:
    try:
        problem = await engine.delivery_problem()
    except Exception as error:
        problem = str(error)
    if not problem:
        return f"comfyui {engine.name} extension", True, "trained LoRAs can be delivered to it"
    return f"comfyui {engine.name} extension", None, \
        f"trained LoRAs cannot be delivered to it: {problem} (see `stationthis comfyui extension --install`)"


async def _tools(engine, templates, runnable: set[str], packs_only: set[str]) -> list[tuple[str, bool | None, str]]:
    """One line naming the tools this worker can run, and a warning per tool it cannot, saying why."""
    try:
        fitness = await tool_fitness(engine, templates)
    except Exception as error:
        return [(f"comfyui {engine.name} tools", False, f"could not read its node catalogue: {error}")]
    runnable.update(f.template.name for f in fitness if f.runnable)
    packs_only.update(f.template.name for f in fitness if f.lacks_only_packs)
    can = [f.template.name for f in fitness if f.runnable]
    lines = [(f"comfyui {engine.name} tools", None if len(can) < len(fitness) else True,
              f"can run {', '.join(can) or 'none'}")]
    return lines + [(f"comfyui {engine.name} tools", None, line) for f in fitness for line in f.lines("")]


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
