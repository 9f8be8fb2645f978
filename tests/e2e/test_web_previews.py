"""The web job page in real headless Chromium: the preview updates in place over the event stream, with the time
left in words; Stop keeps the last preview with "stopped, points returned" and returns the points once."""
from __future__ import annotations

import pytest
from playwright.async_api import expect

from bootstrap.app import StationApp
from bootstrap.config import load_config
from tests.e2e.test_web_browser import browser, signed_in_page  # noqa: F401  (a fixture)
from tests.standins.comfyui.standin import ComfyUIStandin

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]
SHOWN = "() => { const i = document.querySelector('img[data-preview]'); return i && !i.hidden && i.complete " \
        "&& i.naturalWidth > 0 }"


@pytest.fixture
async def station(tmp_path):
    async with ComfyUIStandin(step_delay=0.25, preview_rate=20) as comfy:
        config = load_config(env={"STATIONTHIS_DATA_DIR": str(tmp_path / "var"), "COMFYUI_URLS": comfy.url,
                                  "WEB_HOST": "127.0.0.1", "WEB_PORT": "0", "STATIONTHIS_PROGRESS_INTERVAL": "0.3"},
                             dotenv=False)
        app = StationApp(config)
        await app.start()
        try:
            yield app
        finally:
            await app.stop()


async def test_the_preview_forms_in_place_then_stop_keeps_it_and_returns_the_points(station, browser):  # noqa: F811
    app = station
    page, user = await signed_in_page(app, browser, "lin", points=100)
    await page.click("text=Text to image")
    await page.fill("#f-prompt", "a slow sunrise")
    await page.click("summary:has-text('More settings')")
    await page.fill("#f-steps", "40")
    await page.click("button:has-text('Make it')")
    picture = page.locator("img[data-preview]")
    await expect(picture).to_be_visible(timeout=20_000)
    first = await picture.get_attribute("src")
    await expect(picture).not_to_have_attribute("src", first, timeout=10_000)  # a newer one, same element
    await page.wait_for_function(SHOWN, timeout=10_000)
    await expect(page.locator("[data-detail]")).to_contain_text("left", timeout=10_000)
    station_api = app.container.use_cases.station()
    assert await station_api.points.balance(user.id) < 100
    await page.click("button:has-text('Stop')")
    await expect(page.locator(".notice.error")).to_contain_text("Stopped, points returned", timeout=20_000)
    await page.wait_for_function(SHOWN, timeout=10_000)  # the last preview, after the page reloaded
    assert await station_api.points.balance(user.id) == 100
