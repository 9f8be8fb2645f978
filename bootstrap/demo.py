"""`stationthis run --demo`: the built-in demo worker as the station's one worker, and a demo user to try it as."""
from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace

from bootstrap.config import Config
from domain.workflows.station import Station

log = logging.getLogger("stationthis.demo")
DEMO_IDENTITY = "web:demo"
DEMO_POINTS = 500  # the demo user's balance is topped up to this at every start


@asynccontextmanager
async def demo_worker(config: Config) -> AsyncIterator[Config]:
    """The configuration to run with while the demo worker serves: it replaces COMFYUI_URLS."""
    from adapters.comfyui.demo import DemoWorker  # aiohttp is loaded only for the demo

    secret = config.comfyui_secret or secrets.token_urlsafe(32)  # its worker extension and the station share it
    worker = DemoWorker(secret)
    await worker.start()
    log.info("demo worker at %s: it draws labelled demo pictures with Pillow (no model); COMFYUI_URLS is not used",
             worker.url)
    try:
        yield replace(config, comfyui_urls=(worker.url,), comfyui_secret=secret, demo=True)
    finally:
        await worker.stop()


async def welcome_demo_user(station: Station, web_url: str) -> None:
    """Make sure web:demo exists with DEMO_POINTS to spend, and say where to sign in as them."""
    user = await station.accounts.user_for(DEMO_IDENTITY, display_name="Demo")
    missing = DEMO_POINTS - await station.points.balance(user.id)
    if missing > 0:
        await station.points.grant(user.id, missing, "demo points")
    log.info("demo: open %s and press 'Try the demo' to sign in as %s (%d points)", web_url, DEMO_IDENTITY,
             DEMO_POINTS)
