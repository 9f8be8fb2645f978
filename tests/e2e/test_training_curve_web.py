"""The loss curve is kept with the model: the web Models page shows each of your trained models with its curve (a
real picture in Chromium), served to its owner only; a model whose run drew no curve shows none, with no error."""
from __future__ import annotations

import httpx
import pytest
from playwright.async_api import expect

from tests.e2e.conftest import web_url
from tests.e2e.lora_training import model_without_curve, trained_model
from tests.e2e.test_web_browser import signed_in_page, station  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]
LOADED = "(img) => img.complete && img.naturalWidth > 0"


async def test_my_models_show_their_loss_curves_and_nobody_else_sees_them(station, browser):  # noqa: F811
    app, _ = station
    page, ada = await signed_in_page(app, browser, "ada", points=200)
    other, _ = await signed_in_page(app, browser, "bob", points=1)
    model = await trained_model(app, ada, "otter")
    storage = app.container.infra.storage()
    assert model.curve and model.curve in (await storage.jobs.get(model.job_id)).outputs, "linked, not copied"
    await model_without_curve(app, ada, model, "drawn_none")
    models = app.container.use_cases.station().models
    await models.set_visibility(ada.id, "otter", "public")

    await page.goto(web_url(app) + "/models/")
    otter = page.locator("article.model", has_text="otter")
    curve = otter.locator("figure img")
    await expect(curve).to_have_attribute("src", f"/models/{model.id}/curve")
    await curve.scroll_into_view_if_needed()
    assert await curve.evaluate(LOADED), "the curve is a picture the browser could show"
    await expect(otter.locator("figcaption")).to_have_text("Loss over the training steps")
    await expect(page.locator("article.model", has_text="drawn_none").locator("figure")).to_have_count(0)
    await expect(page.locator(".notice.error")).to_have_count(0)

    await other.goto(web_url(app) + "/models/")
    await expect(other.locator("article.model", has_text="otter")).to_have_count(1)  # public: Bob may use it...
    await expect(other.locator("article.model img")).to_have_count(0)  # ...but its curve is Ada's
    answer = await other.request.get(f"{web_url(app)}/models/{model.id}/curve")
    assert answer.status == 404 and b"PNG" not in await answer.body()
    async with httpx.AsyncClient() as anonymous:
        assert (await anonymous.get(f"{web_url(app)}/models/{model.id}/curve")).status_code == 404
    mine = await page.request.get(f"{web_url(app)}/models/{model.id}/curve")
    assert mine.status == 200 and (await mine.body()).startswith(b"\x89PNG")
