"""End to end in real headless Chromium against the served app and the stand-in ComfyUI: sign in with a
link code, make an image and find it in the gallery, build a dataset, train, watch progress, see the model;
sign out, revoke a session from another browser, sign out everywhere, and a redirect that would leave the site.
Each main page is saved as a screenshot under build/screenshots/."""
from __future__ import annotations

import asyncio
import base64
import io
import re

import httpx
import pytest
from PIL import Image
from playwright.async_api import expect

from bootstrap.app import StationApp
from bootstrap.config import load_config
from tests.e2e.conftest import SHOTS, web_url
from tests.standins.comfyui.standin import ComfyUIStandin

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def png(color) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (96, 96), color).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
async def station(tmp_path):
    async with ComfyUIStandin(step_delay=0.01) as comfy:
        config = load_config(env={"STATIONTHIS_DATA_DIR": str(tmp_path / "var"), "COMFYUI_URLS": comfy.url,
                                  "WEB_HOST": "127.0.0.1", "WEB_PORT": "0", "STATIONTHIS_PROGRESS_INTERVAL": "0.2"},
                             dotenv=False)
        app = StationApp(config)
        await app.start()
        try:
            yield app, comfy
        finally:
            await app.stop()


async def signed_in_page(app: StationApp, browser, name: str, points: int, viewport=None, screenshot=False):
    """A browser page signed in the way a chat user does it: /link in a bot, then the code on the web."""
    station = app.container.use_cases.station()
    user = await station.accounts.user_for(f"telegram:{name}", display_name=name.capitalize())
    await station.points.grant(user.id, points)
    code = await station.accounts.issue_link_code(user.id)
    context = await browser.new_context(viewport=viewport or {"width": 1200, "height": 900})
    page = await context.new_page()
    await page.goto(web_url(app) + "/")
    await expect(page).to_have_url(f"{web_url(app)}/signin")
    if screenshot:
        await shot(page, "signin")
    await page.fill("#code", f"{code.code[:4].lower()} {code.code[4:].lower()}")
    await page.click("button:has-text('Sign in')")
    await expect(page).to_have_url(f"{web_url(app)}/make")
    return page, user


async def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


async def test_sign_in_with_a_link_code_make_an_image_and_find_it_in_the_gallery(station, browser):
    app, _ = station
    page, _ = await signed_in_page(app, browser, "ada", points=100, screenshot=True)
    await shot(page, "make")
    await page.click("text=Text to image")
    await page.fill("#f-prompt", "a lighthouse at dusk")
    await page.click("summary:has-text('More settings')")
    await page.fill("#f-steps", "8")
    await expect(page.locator("[data-quote]")).to_contain_text("Costs 5 points · your balance 100")
    await shot(page, "make-txt2img")
    await page.click("button:has-text('Make it')")
    await expect(page.locator("img[alt^='Result 1']")).to_be_visible(timeout=20_000)
    await expect(page.locator(".result a[download]")).to_have_text("Download")
    await shot(page, "job")
    await page.click("nav >> text=Gallery")
    thumb = page.locator(".gallery .thumb")
    await expect(thumb).to_have_count(1)
    await expect(thumb.locator(".caption")).to_have_text("a lighthouse at dusk")
    assert await thumb.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
    await shot(page, "gallery")
    await page.click("nav >> text=Points")
    await expect(page.locator("[data-balance]")).to_have_text("95")
    await expect(page.locator("tr.charge .num")).to_have_text("-5")
    await shot(page, "points")
    await page.click("nav >> text=Settings")
    await shot(page, "settings")


async def test_a_dataset_is_uploaded_captioned_trained_with_live_progress_and_the_model_appears(station, browser):
    app, comfy = station
    page, user = await signed_in_page(app, browser, "grace", points=200)
    await page.click("nav >> text=Training")
    await page.fill("#name", "lighthouse")
    await page.click("button:has-text('New dataset')")
    await expect(page.locator("h1")).to_have_text("lighthouse")
    await drop_files(page, "form[data-dataset-upload]", [(f"{n}.png", png((40 * n, 120, 200))) for n in range(4)]
                     + [("notes.txt", b"not a picture")])
    await expect(page.locator(".upload-list li.error")).to_contain_text("notes.txt")
    await expect(page.locator(".upload-list li.done")).to_have_count(4)
    await page.reload()
    await expect(page.locator(".caption-card")).to_have_count(4)
    await expect(page.locator(".problems")).to_contain_text("images 1, 2, 3, 4 have no caption")
    await shot(page, "dataset")
    for number in range(1, 5):
        await page.fill(f"#caption_{number}", f"a lighthouse, view {number}")
    await page.click("button:has-text('Save captions')")
    await page.fill("#trigger", "lhouse")
    await page.click("button:has-text('Set')")
    await expect(page.locator(".problems")).to_have_count(0)
    await page.click("summary:has-text('Training settings')")
    await page.fill("#f-steps", "10")
    await page.click("button:has-text('Continue to payment')")
    await expect(page.locator(".quote")).to_contain_text("Costs 25 points")
    await shot(page, "training-quote")
    comfy.step_delay = 0.4  # ten steps of 0.4 s: long enough to watch
    await page.click("button:has-text('Pay 25 points and train')")
    await expect(page.locator("[data-state]")).to_have_text("running", timeout=15_000)
    await progress_moves(page.locator("progress"))
    await shot(page, "training-progress")
    await expect(page.locator(".model-done h2")).to_have_text("Your model: lighthouse", timeout=30_000)
    await shot(page, "training-done")
    await page.click("text=See it in Models")
    await expect(page.locator(".model h3").first).to_contain_text("lighthouse")
    await shot(page, "models")
    await page.click("nav >> text=Collections")
    await expect(page.locator(".list a")).to_have_text("My models")
    await shot(page, "collections")
    await page.click("nav >> text=Training")
    await shot(page, "training")
    assert await app.container.use_cases.station().points.balance(user.id) == 175


async def test_every_main_page_fits_a_phone_screen(station, browser):
    app, _ = station
    page, _ = await signed_in_page(app, browser, "lin", points=10, viewport=PHONE)
    for path in ("/make/txt2img", "/gallery", "/training/", "/models/", "/collections/", "/points", "/settings"):
        await page.goto(web_url(app) + path)
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width}px wide on a {PHONE['width']}px screen"
    await page.goto(web_url(app) + "/make/txt2img")
    await expect(page.locator("button:has-text('Make it')")).to_be_visible()
    await expect(page.locator("[data-quote]")).to_contain_text("Costs 7 points")  # the form's price before a prompt
    await shot(page, "make-phone")


async def progress_moves(bar, seconds: float = 15.0) -> None:
    """The bar advances while the training runs (the page's CSP forbids Playwright's string predicates)."""
    for _ in range(int(seconds * 10)):
        if await bar.evaluate("bar => bar.value") > 0:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the progress bar never moved")


async def drop_files(page, selector: str, files: list[tuple[str, bytes]]) -> None:
    """Drag and drop, as a person does it: a drop event whose DataTransfer carries the files."""
    await page.evaluate(
        """([selector, files]) => {
            const transfer = new DataTransfer();
            for (const [name, data] of files) {
                const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
                transfer.items.add(new File([bytes], name, { type: name.endsWith(".png") ? "image/png" : "text/plain" }));
            }
            const zone = document.querySelector(selector);
            zone.dispatchEvent(new DragEvent("dragover", { dataTransfer: transfer, bubbles: true, cancelable: true }));
            zone.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
        }""",
        [selector, [[name, base64.b64encode(data).decode()] for name, data in files]])


async def test_signing_out_ends_the_session_even_in_a_browser_holding_a_copy_of_its_cookie(station, browser):
    app, _ = station
    page, _ = await signed_in_page(app, browser, "sam", points=10)
    thief = await browser.new_context()
    await thief.add_cookies(await page.context.cookies())
    stolen = await thief.new_page()
    await stolen.goto(web_url(app) + "/gallery")
    await expect(stolen).to_have_url(f"{web_url(app)}/gallery")
    await page.click("header button:has-text('Sign out')")
    await expect(page).to_have_url(f"{web_url(app)}/signin")
    await stolen.goto(web_url(app) + "/gallery")
    await expect(stolen).to_have_url(re.compile(r"/signin\?next=%2Fgallery$"))
    await thief.close()


async def test_a_session_revoked_from_another_browser_and_signing_out_everywhere(station, browser):
    app, _ = station
    laptop, _ = await signed_in_page(app, browser, "kim", points=10)
    phone, _ = await signed_in_page(app, browser, "kim", points=1, viewport=PHONE)
    laptop.on("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await laptop.goto(web_url(app) + "/sessions")
    rows = laptop.locator("table.sessions tbody tr")
    await expect(rows).to_have_count(2)
    await expect(rows.filter(has_text="this browser")).to_have_count(1)
    await shot(laptop, "sessions")
    await rows.filter(has_not_text="this browser").locator("button:has-text('Sign out')").click()
    await expect(rows).to_have_count(1)
    await phone.goto(web_url(app) + "/make")
    await expect(phone).to_have_url(re.compile(r"/signin\?next=%2Fmake$"))
    await laptop.fill("#token-name", "backup script")
    await laptop.click("button:has-text('Make a token')")
    token = await laptop.locator("[data-new-token] input").input_value()
    async with httpx.AsyncClient(base_url=web_url(app)) as http:
        assert (await http.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})).status_code == 200
        await laptop.click("button:has-text('Sign out everywhere')")
        await expect(laptop).to_have_url(f"{web_url(app)}/signin")
        assert (await http.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})).status_code == 401
    await laptop.goto(web_url(app) + "/sessions")
    await expect(laptop).to_have_url(re.compile(r"/signin\?next=%2Fsessions$"))


async def test_a_next_that_leads_off_the_site_lands_on_the_home_page(station, browser):
    app, _ = station
    page, _ = await signed_in_page(app, browser, "lee", points=1)
    for target in ("%2F%09%2Fevil.example%2F", "%2F%5Cevil.example%2F", "%2F%2Fevil.example%2F"):
        await page.goto(f"{web_url(app)}/signin?next={target}")
        await expect(page).to_have_url(f"{web_url(app)}/make")
