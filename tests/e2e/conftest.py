"""The browser tests' shared parts: real headless Chromium, where screenshots go, and the served app's address."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import async_playwright

from bootstrap.app import StationApp

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


@pytest.fixture
async def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: apt-get install -y chromium")
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


def web_url(app: StationApp) -> str:
    return next(p for p in app.platforms if hasattr(p, "server")).url
