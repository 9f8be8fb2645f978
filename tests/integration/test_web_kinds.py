"""The web face of every output kind: animations as pictures, videos in a player, text in a copyable block (with
its way to a picture), every kind in the gallery and collections, and a dataset's captions and fixes."""
from __future__ import annotations

import asyncio
import html
import re
from pathlib import Path
from urllib.parse import unquote_plus

import pytest

from domain.reply import ReplyTo
from tests.fakes import patterned_png, png
from tests.integration.web_helpers import csrf_of, finished, serving

TEST_TEMPLATES = Path(__file__).resolve().parents[1] / "e2e" / "kinds_templates"


@pytest.fixture(name="web")
async def web_with_packs(tmp_path):
    async with serving(tmp_path, {"step_delay": 0.001, "packs": ("florence2", "searge_llm")},
                       STATIONTHIS_TEMPLATES_DIR=str(TEST_TEMPLATES)) as web:
        yield web


async def made(web, client, tool, values, picture=None):
    user = client.user
    if picture is not None:
        values = {**values, "image": await web.station.media.store_input(user.id, picture)}
    job = await web.station.make_image.submit(user.id, tool, values, ReplyTo.of("web", user_id=user.id))
    return await finished(client, job.id)


async def page(client, path):
    answer = await client.get(path)
    assert answer.status_code == 200, path
    return await answer.get_data(as_text=True)


async def test_an_animation_is_a_picture_and_a_video_plays_in_a_player_on_the_job_page_and_in_the_gallery(web):
    client = await web.client("alice", points=100)
    animation = await made(web, client, "animate", {}, patterned_png(64, 64, (20, 40, 200)))
    video = await made(web, client, "clip", {}, patterned_png(64, 64, (200, 40, 20)))
    [webp], [webm] = [o["key"] for o in animation["outputs"]], [o["key"] for o in video["outputs"]]
    assert (animation["output"], video["output"], video["outputs"][0]["shown"]) == ("animation", "video", "video")
    assert f'<img src="/media/{webp}"' in await page(client, f"/jobs/{animation['id']}")
    assert re.search(rf'<video src="/media/{re.escape(webm)}" controls', await page(client, f"/jobs/{video['id']}"))
    gallery = await page(client, "/gallery")
    assert f'<img src="/media/{webp}"' in gallery and f'<video src="/media/{webm}" muted' in gallery
    served = await client.get(f"/media/{webm}")
    assert served.headers["Content-Type"] == "video/webm" and "Content-Disposition" not in served.headers


async def test_a_description_shows_as_copyable_text_and_makes_a_picture_through_the_quoted_make_form(web):
    client = await web.client("alice", points=100)
    job = await made(web, client, "describe", {}, png(64, 64, (20, 200, 20)))
    text = await web.station.access.result_text(await web.station.jobs.get(client.user.id, job["id"]))
    body = await page(client, f"/jobs/{job['id']}")
    assert f"<pre data-copy-source>{html.escape(text)}</pre>" in body and "data-copy>Copy</button>" in body
    link = html.unescape(re.search(r'href="(/make/txt2img\?prompt=[^"]+)">Make with this prompt', body).group(1))
    assert unquote_plus(link.split("prompt=", 1)[1]) == text
    form = await page(client, link)
    assert html.escape(text) in form and "Costs " in form  # the usual Make form: its price shown before paying
    assert "text" in (await page(client, "/gallery")) and text[:40] in await page(client, "/gallery")


async def test_improving_a_prompt_on_the_make_form_charges_only_the_assistant_and_offers_both_prompts(web):
    client = await web.client("alice", points=100)
    token = await csrf_of(client, "/make/txt2img")
    answer = await client.post("/make/txt2img/assist/assist", form={"csrf_token": token, "prompt": "a red fox",
                                                                     "request_key": "n1"})
    assert answer.status_code == 302
    job_id = answer.headers["Location"].rsplit("/", 1)[1]
    job = await finished(client, job_id)
    assert job["tool"] == "assist" and await web.balance(client.user) == 100 - job["price"]
    body = html.unescape(await page(client, f"/jobs/{job_id}"))
    make_it = unquote_plus(re.search(r'href="/make/txt2img\?prompt=([^"]+)">Make it', body).group(1))
    mine = unquote_plus(re.search(r'href="/make/txt2img\?prompt=([^"]+)">Use mine', body).group(1))
    assert make_it.startswith("a red fox, ") and mine == "a red fox"
    assert "✨ Improve a prompt first" in await page(client, "/make/txt2img")


async def test_a_collection_shows_a_text_result_as_text_and_a_video_in_a_player(web):
    client = await web.client("alice", points=100)
    described = await made(web, client, "describe", {}, png(64, 64, (200, 20, 20)))
    video = await made(web, client, "clip", {}, patterned_png())
    collection = await web.station.collections.create(client.user.id, "Mixed")
    for job in (described, video):
        await web.station.collections.add(client.user.id, collection.id, "image", job["outputs"][0]["key"])
    body = await page(client, f"/collections/{collection.id}")
    assert "<pre data-copy-source>a bright picture in red" in body or "<pre data-copy-source>a dark picture in red" in body
    assert f'<video src="/collections/{collection.id}/items/2" controls' in body


async def test_a_dataset_page_lists_what_to_fix_and_captions_the_pictures_at_the_price_it_showed(web):
    client = await web.client("alice", points=100)
    training, user = web.station.training, client.user
    await training.create(user.id, "cats")
    for n in range(4):
        await training.add_image(user.id, "cats", png(96, 96, (40 + n * 50, 90, 200 - n * 40)))
    await training.trigger(user.id, "cats", "zorb")
    body = await page(client, "/training/datasets/cats")
    assert "images 1, 2, 3, 4 have no caption" in body and "Caption them · 4 points" in body
    assert body.count("🏷 Caption this · 1 points") == 4  # or one picture at a time
    token = await csrf_of(client, "/training/datasets/cats")
    moved = await client.post("/training/datasets/cats/caption", form={"csrf_token": token, "price": "3",
                                                                        "request_key": "k1"})
    assert moved.status_code == 302 and await web.balance(user) == 100  # the price moved: nothing charged
    answer = await client.post("/training/datasets/cats/caption", form={"csrf_token": token, "price": "4",
                                                                         "request_key": "k2"})
    assert answer.status_code == 302
    for _ in range(200):
        dataset = await training.dataset(user.id, "cats")
        if all(i.caption for i in dataset.images):
            break
        await asyncio.sleep(0.05)
    assert all(i.caption.startswith("zorb, a ") for i in dataset.images)
    assert await web.balance(user) == 96
    body = await page(client, "/training/datasets/cats")
    assert "Fix these before training" not in body and "Costs" in body


async def test_the_api_lists_a_text_results_follow_ups_with_prices_and_makes_the_picture_from_its_words(web):
    _, auth = await web.bearer("alice", points=100)
    client = web.quart.test_client()
    answer = await client.post("/api/v1/tools/assist/jobs", headers=auth, json={"params": {"prompt": "a red fox"}})
    assist = await finished(client, (await answer.get_json())["id"], auth)
    offers = (await (await client.get(f"/api/v1/jobs/{assist['id']}/follow-ups", headers=auth)).get_json())
    by_action = {o["action"]: o for o in offers["follow_ups"]}
    assert {"make", "mine"} <= set(by_action) and all(o["price"] > 0 for o in by_action.values())
    words = (await client.get(assist["outputs"][0]["url"], headers=auth))
    improved = (await words.get_data(as_text=True)).strip()
    made_it = await client.post(by_action["make"]["url"], headers=auth)
    assert made_it.status_code == 201
    picture = await finished(client, (await made_it.get_json())["id"], auth)
    assert picture["tool"] == "txt2img" and picture["parent_id"] == assist["id"]
    assert picture["params"]["prompt"] == improved and picture["price"] == by_action["make"]["price"]
    mine = await finished(client, (await (await client.post(by_action["mine"]["url"], headers=auth)).get_json())["id"],
                          auth)
    assert mine["params"]["prompt"] == "a red fox"
    refused = await client.post(f"/api/v1/jobs/{picture['id']}/make", headers=auth)
    assert refused.status_code == 409 and "does not offer" in (await refused.get_json())["error"]["message"]
