"""The web job page in real headless Chromium: the preview updates in place over the event stream, with the time
left in words; Stop keeps the last preview with "stopped, points returned" and returns the points once."""
from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.e2e.test_web_browser import signed_in_page, station  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]
SHOWN = "() => { const i = document.querySelector('img[data-preview]'); return i && !i.hidden && i.complete " \
        "&& i.naturalWidth > 0 }"


async def test_the_preview_forms_in_place_then_stop_keeps_it_and_returns_the_points(station, browser):  # noqa: F811
    app, comfy = station
    comfy.step_delay, comfy.preview_rate = 0.25, 20
    page, user = await signed_in_page(app, browser, "lin", points=100)
    await page.click("text=Text to image")
    await page.fill("#f-prompt", "a slow sunrise")
    await page.click("summary:has-text('More settings')")
    await page.fill("#f-steps", "40")
    await page.click("button:has-text('Make it')")
    picture = page.locator("img[data-preview]")
    await expect(picture).to_be_visible(timeout=20_000)
    first = await picture.get_attribute("src")
    assert first, "the preview box showed before it had a picture"
    await expect(picture).not_to_have_attribute("src", first, timeout=10_000)  # a newer one, same element
    await page.wait_for_function(SHOWN, timeout=10_000)
    await expect(page.locator("[data-detail]")).to_contain_text("left", timeout=10_000)
    station_api = app.container.use_cases.station()
    assert await station_api.points.balance(user.id) < 100
    await page.click("button:has-text('Stop')")
    await expect(page.locator(".notice.error")).to_contain_text("Stopped, points returned", timeout=20_000)
    await page.wait_for_function(SHOWN, timeout=10_000)  # the last preview, after the page reloaded
    assert await station_api.points.balance(user.id) == 100
