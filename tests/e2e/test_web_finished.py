"""The finished web in real headless Chromium on a demo station (`run --demo`, in process): every page at 390 and
1280 px (screenshots in build/screenshots/), a menu on the phone, the balance in the header, labels on every
input, prices as numbers, the training quote equal to its charge, live gallery tiles, and cancel's refund at once."""
from __future__ import annotations

import asyncio
import re
import socket

import pytest
from playwright.async_api import expect

from bootstrap.app import StationApp
from bootstrap.config import load_config
from bootstrap.demo import DEMO_IDENTITY, DEMO_POINTS, demo_worker
from domain.reply import ReplyTo
from tests.e2e.conftest import SHOTS, web_url
from tests.fakes import png

PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}
pytestmark = pytest.mark.browser


@pytest.fixture
async def demo_station(tmp_path):
    config = load_config(env={"STATIONTHIS_DATA_DIR": str(tmp_path / "var"), "WEB_HOST": "127.0.0.1",
                              "WEB_PORT": "0", "STATIONTHIS_PROGRESS_INTERVAL": "0.2"}, dotenv=False)
    async with demo_worker(config) as with_demo:
        app = StationApp(with_demo)
        await app.start()
        try:
            yield app
        finally:
            await app.stop()


async def demo_page(app: StationApp, browser, viewport: dict):
    """Signed in the way a newcomer is on a demo station: one press of 'Try the demo'."""
    context = await browser.new_context(viewport=viewport)
    page = await context.new_page()
    await page.goto(web_url(app) + "/")
    await page.click("button:has-text('Try the demo')")
    await expect(page).to_have_url(f"{web_url(app)}/make")
    return page


async def demo_user(app: StationApp):
    return await app.container.use_cases.station().accounts.user_for(DEMO_IDENTITY)


async def finished(app: StationApp, user, job_id: str, seconds: float = 30):
    jobs = app.container.use_cases.station().jobs
    for _ in range(int(seconds * 20)):
        job = await jobs.get(user.id, job_id)
        if job.terminal:
            return job
        await asyncio.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish")


async def everything_to_look_at(app: StationApp) -> dict[str, str]:
    """A result, an upscale, a trained model, a draft training, a collection with a link: each page has content."""
    station, user = app.container.use_cases.station(), await demo_user(app)
    origin = ReplyTo.of("web", user_id=user.id)
    made = await station.make_image.submit(user.id, "txt2img", {"prompt": "a lighthouse at dusk", "steps": 10}, origin)
    made = await finished(app, user, made.id)
    upscaled = await finished(app, user, (await station.follow_ups.run(user.id, made.id, "upscale", origin)).id)
    await station.training.create(user.id, "lighthouse")
    for n in range(4):
        await station.training.add_image(user.id, "lighthouse", png(128, 128, (40 + 50 * n, 90, 200)),
                                         caption=f"a lighthouse, view {n}")
    await station.training.trigger(user.id, "lighthouse", "lthouse")
    trained = await station.training.confirm(
        user.id, (await station.training.draft(user.id, "lighthouse", {"steps": 10})).id, origin)
    await finished(app, user, trained.job_id)
    draft = await station.training.draft(user.id, "lighthouse", {"steps": 20})
    collection = await station.collections.create(user.id, "Harbour")
    await station.collections.add(user.id, collection.id, "image", made.outputs[0])
    await station.collections.add(user.id, collection.id, "image", upscaled.outputs[0])
    linked = await station.collections.set_visibility(user.id, collection.id, "link")
    return {"make": "/make", "make-txt2img": "/make/txt2img",
            "make-img2img": f"/make/img2img?image={made.outputs[0]}", "job": f"/jobs/{made.id}",
            "job-upscale": f"/jobs/{upscaled.id}", "job-training": f"/jobs/{trained.job_id}", "gallery": "/gallery",
            "training": "/training/", "dataset": "/training/datasets/lighthouse", "run-draft": f"/training/runs/{draft.id}",
            "run-done": f"/training/runs/{trained.id}", "models": "/models/", "collections": "/collections/",
            "collection": f"/collections/{collection.id}", "points": "/points", "settings": "/settings",
            "sessions": "/sessions", "not-found": "/make/" + "a_very_long_tool_name_" * 12,
            "shared": f"/shared/{linked.link_token}"}


async def every_picture_loaded(page) -> None:
    """Lazy pictures below the fold load too, as they would once scrolled to, so a full-page screenshot shows them."""
    await page.evaluate("""() => Promise.all([...document.images].map((img) => {
        img.loading = "eager";
        return img.complete ? null : new Promise((done) => { img.onload = img.onerror = done; });
    }))""")


async def unlabelled_inputs(page) -> list[str]:
    return await page.evaluate("""() => [...document.querySelectorAll("input, select, textarea")]
        .filter((e) => e.type !== "hidden" && !(e.labels && e.labels.length) && !e.getAttribute("aria-label"))
        .map((e) => e.name || e.id || e.outerHTML)""")


async def test_every_page_at_390_and_1280_fits_labels_its_inputs_and_shows_the_balance(demo_station, browser):
    pages = await everything_to_look_at(demo_station)
    balance = await demo_station.container.use_cases.station().points.balance((await demo_user(demo_station)).id)
    for viewport in (PHONE, DESKTOP):
        width = viewport["width"]
        signed_out = await (await browser.new_context(viewport=viewport)).new_page()
        await signed_out.goto(web_url(demo_station) + "/signin")
        await expect(signed_out.locator("h1").first).to_have_text("Try StationThis")
        await signed_out.screenshot(path=str(SHOTS / f"signin-{width}.png"), full_page=True)
        page = await demo_page(demo_station, browser, viewport)
        for name, path in pages.items():
            await page.goto(web_url(demo_station) + path)
            await every_picture_loaded(page)
            SHOTS.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
            scrolled = await page.evaluate("document.documentElement.scrollWidth")
            assert scrolled <= width, f"{path} is {scrolled}px wide on a {width}px screen"
            assert await unlabelled_inputs(page) == [], path
            if name != "shared":
                await expect(page.locator("[data-header-balance]")).to_have_text(str(balance))
                await expect(page.locator(".banner.demo")).to_contain_text("Demo station")
        await page.context.close()
        await signed_out.context.close()


async def test_on_a_phone_every_section_is_one_tap_away_in_the_menu(demo_station, browser):
    page = await demo_page(demo_station, browser, PHONE)
    nav = page.locator("#sections")
    await expect(nav).to_be_hidden()
    await page.click("[data-menu-button]")
    await expect(page.locator("[data-menu-button]")).to_have_attribute("aria-expanded", "true")
    await page.screenshot(path=str(SHOTS / "menu-390.png"), full_page=True)
    for label in ("Make", "Gallery", "Training", "Models", "Collections", "Points", "Settings", "Sign out"):
        await expect(nav.get_by_text(label, exact=True)).to_be_visible()
    await nav.get_by_text("Settings", exact=True).click()
    await expect(page).to_have_url(f"{web_url(demo_station)}/settings")
    legends = await page.locator("fieldset legend").all_text_contents()
    assert "Image to image and Text to image" in legends and "Upscale (resize)" in legends  # in catalogue order


async def test_prices_are_numbers_for_the_form_as_it_stands_and_follow_ups_fit_the_result(demo_station, browser):
    page = await demo_page(demo_station, browser, DESKTOP)
    await expect(page.locator(".tile:has-text('Text to image') .price")).to_have_text("7 points with your settings")
    await page.click("text=Text to image")
    quote = page.locator("[data-quote]")
    await expect(quote).to_contain_text(f"Costs 7 points · your balance {DEMO_POINTS}")  # no prompt yet: a price
    await page.click("summary:has-text('More settings')")
    await page.fill("#f-steps", "40")
    await expect(quote).to_contain_text("Costs 11 points")  # 3 + 0.75 x 0.262144 megapixels x 40 steps, rounded up
    await page.fill("#f-steps", "8")
    await page.fill("#f-prompt", "a harbour at night")
    await expect(quote).to_contain_text("Costs 5 points")
    await page.click("button:has-text('Make it')")
    await expect(page.locator("img[alt^='Result 1']")).to_be_visible(timeout=20_000)
    await expect(page.locator("[data-header-balance]")).to_have_text(str(DEMO_POINTS - 5))
    buttons = page.locator("section:has(h2:has-text('Next')) button")
    await expect(buttons).to_have_text([re.compile(rf"^{label} · \d+ points$")
                                        for label in ("Again, new seed", "Variation", "Upscale")])
    upscale = buttons.get_by_text("Upscale")
    price = int(re.search(r"(\d+) points", await upscale.text_content()).group(1))
    await upscale.click()
    await expect(page.locator("img[alt^='Result 1']")).to_be_visible(timeout=20_000)
    await expect(page.locator("h1")).to_have_text("Upscale (model)")
    await expect(page.locator("[data-header-balance]")).to_have_text(str(DEMO_POINTS - 5 - price))  # as offered
    await expect(page.locator("section:has(h2:has-text('Next')) button")).to_have_count(0)


async def test_the_training_quote_shown_for_the_chosen_settings_is_what_is_charged(demo_station, browser):
    station, user = demo_station.container.use_cases.station(), await demo_user(demo_station)
    await station.training.create(user.id, "boats")
    for n in range(4):
        await station.training.add_image(user.id, "boats", png(96, 96, (20, 60 * n, 160)), caption=f"a boat {n}")
    await station.training.trigger(user.id, "boats", "bts")
    page = await demo_page(demo_station, browser, DESKTOP)
    await page.goto(web_url(demo_station) + "/training/datasets/boats")
    quote = page.locator("[data-quote]")
    await expect(quote).to_contain_text("Costs 120 points")  # the defaults: 20 + 0.5 x 200 steps
    await page.click("summary:has-text('Training settings')")
    await page.fill("#f-steps", "60")
    await expect(quote).to_contain_text("Costs 50 points")
    shown = int(re.search(r"Costs (\d+) points", await quote.text_content()).group(1))
    await page.click("button:has-text('Continue to payment')")
    await expect(page.locator(".quote")).to_contain_text(f"Costs {shown} points")
    await page.click(f"button:has-text('Pay {shown} points and train')")
    await expect(page.locator(".model-done h2")).to_have_text("Your model: boats", timeout=30_000)
    assert await station.points.balance(user.id) == DEMO_POINTS - shown
    await expect(page.locator("[data-header-balance]")).to_have_text(str(DEMO_POINTS - shown))


async def test_a_running_job_lives_in_the_gallery_and_cancel_says_the_points_came_back_at_once(demo_station, browser):
    station, user = demo_station.container.use_cases.station(), await demo_user(demo_station)
    origin = ReplyTo.of("web", user_id=user.id)
    slow = await station.make_image.submit(user.id, "txt2img", {"prompt": "a slow one", "steps": 100}, origin)
    page = await demo_page(demo_station, browser, DESKTOP)
    await page.goto(web_url(demo_station) + "/gallery")
    await page.evaluate("() => { window.notReloaded = true; }")
    await expect(page.locator(".thumb.running")).to_have_count(1)
    await page.screenshot(path=str(SHOTS / "gallery-running-1280.png"), full_page=True)
    await expect(page.locator(f"a.thumb[href='/jobs/{slow.id}'] img")).to_be_visible(timeout=30_000)
    assert await page.evaluate("() => window.notReloaded === true")  # the tile changed in place

    doomed = await station.make_image.submit(user.id, "txt2img", {"prompt": "never mind", "steps": 100}, origin)
    before = await station.points.balance(user.id)
    await page.goto(web_url(demo_station) + f"/jobs/{doomed.id}")
    await expect(page.locator("[data-state]")).to_have_text("running", timeout=15_000)
    await page.click("button:has-text('Stop')")
    await expect(page.locator(".notice.info")).to_have_text(f"Stopped: your {doomed.price} points are back.")
    await expect(page.locator("[data-header-balance]")).to_have_text(str(before + doomed.price))
    await page.screenshot(path=str(SHOTS / "job-cancelled-1280.png"), full_page=True)


@pytest.fixture
async def station_without_worker(tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as closed:
        dead = f"http://127.0.0.1:{closed.getsockname()[1]}"
    app = StationApp(load_config(env={"STATIONTHIS_DATA_DIR": str(tmp_path / "var"), "COMFYUI_URLS": dead,
                                      "WEB_HOST": "127.0.0.1", "WEB_PORT": "0"}, dotenv=False))
    await app.start()
    try:
        yield app
    finally:
        await app.stop()


async def test_without_a_worker_the_web_says_so_and_sign_in_speaks_to_a_web_user(station_without_worker, browser):
    app = station_without_worker
    page = await (await browser.new_context(viewport=PHONE)).new_page()
    await page.goto(web_url(app) + "/signin")
    text = await page.locator("main").inner_text()
    assert "/link" not in text and "bot" not in text.lower() and "you were given for this station" in text
    await page.fill("#code", "WRONG234")
    await page.click("button:has-text('Sign in')")
    await expect(page.locator(".notice.error")).to_have_text(
        "That sign-in code is unknown, expired or already used: ask whoever runs this station for a new one.")
    await page.screenshot(path=str(SHOTS / "signin-no-bot-390.png"), full_page=True)
    user = await app.container.use_cases.station().accounts.user_for("web:ines")
    code = await app.container.use_cases.station().accounts.issue_link_code(user.id)
    await page.fill("#code", code.code)
    await page.click("button:has-text('Sign in')")
    await expect(page.locator(".banner.warn")).to_contain_text("No image worker is answering right now")
    await expect(page.locator("[data-header-balance]")).to_have_text("0")
    await page.screenshot(path=str(SHOTS / "no-worker-390.png"), full_page=True)
