"""Every page renders for a signed-in user, and the forms on them do what they say."""
from __future__ import annotations

import re

from domain.reply import ReplyTo
from tests.fakes import png
from tests.integration.web_helpers import (
    CSRF,
    csrf_of,
    finished,
    model_of,
    multipart,
    web_app,  # noqa: F401  (provides the `web` fixture)
)


async def test_every_page_renders_with_things_on_it(web):
    client = await web.client("alice", points=200)
    station, user = web.station, client.user
    job = await station.make_image.submit(user.id, "txt2img", {"prompt": "a heron", "steps": 1},
                                          ReplyTo.of("web", user_id=user.id))
    job = await finished(client, job.id)
    await station.training.create(user.id, "heron")
    await station.training.add_image(user.id, "heron", png(), "a heron")
    model = await model_of(web, user)
    collection = await station.collections.create(user.id, "Birds")
    pages = ["/make", "/make/txt2img", "/make/img2img", f"/make/img2img?image={job['outputs'][0]['key']}",
             f"/jobs/{job['id']}", "/gallery", "/gallery?page=2", "/training/", "/training/datasets/heron",
             "/models/", "/collections/", f"/collections/{collection.id}", "/points", "/settings", "/signin"]
    for path in pages:
        answer = await client.get(path)
        assert answer.status_code in (200, 302), path
        if answer.status_code == 200:
            html = await answer.get_data(as_text=True)
            assert "Something broke" not in html and "<main>" in html, path
            # what the page's scripts send back, and every form on it: the session's one token, whatever the page
            # imports (a macro named `csrf` must not stand in for the token)
            meta = re.search(r'<meta name="csrf-token" content="([^"]+)">', html).group(1)
            assert set(CSRF.findall(html)) <= {meta} and meta == await csrf_of(client, "/settings"), path
    assert "a heron" in await (await client.get("/gallery")).get_data(as_text=True)
    assert model.name in await (await client.get("/models/")).get_data(as_text=True)


async def test_the_make_form_submits_once_per_form_and_shows_the_job(web):
    client = await web.client("alice", points=100)
    page = await (await client.get("/make/txt2img")).get_data(as_text=True)
    token = await csrf_of(client, "/make/txt2img")
    key = page.split('name="request_key" value="')[1].split('"')[0]
    form = {"csrf_token": token, "request_key": key, "prompt": "twice", "steps": "2", "action": "submit"}
    first, second = await client.post("/make/txt2img", form=form), await client.post("/make/txt2img", form=form)
    assert first.headers["Location"] == second.headers["Location"]
    job_id = first.headers["Location"].rsplit("/", 1)[1]
    job = await finished(client, job_id)
    assert await web.balance(client.user) == 100 - job["price"]
    html = await (await client.get(f"/jobs/{job_id}")).get_data(as_text=True)
    assert f"/media/{job['outputs'][0]['key']}" in html and "Again, new seed" in html


async def test_the_quote_button_shows_the_price_without_charging(web):
    client = await web.client("alice", points=100)
    token = await csrf_of(client, "/make/txt2img")
    answer = await client.post("/make/txt2img", form={"csrf_token": token, "prompt": "p", "steps": "10",
                                                      "action": "quote"})
    html = await answer.get_data(as_text=True)
    assert answer.status_code == 200 and "Costs 5 points" in html and await web.balance(client.user) == 100


async def test_a_picture_sent_with_the_form_feeds_an_image_tool(web):
    client = await web.client("alice", points=100)
    token = await csrf_of(client, "/make/img2img")
    body, headers = multipart([("image__file", "in.png", png())],
                              {"csrf_token": token, "prompt": "redraw", "steps": "1", "action": "submit"})
    answer = await client.post("/make/img2img", data=body, headers=headers)
    assert answer.status_code == 302
    job = await finished(client, answer.headers["Location"].rsplit("/", 1)[1])
    assert job["state"] == "succeeded" and job["params"]["image"].startswith(f"inputs/{client.user.id}/")


async def test_dataset_forms_upload_caption_set_the_trigger_and_draft_a_run(web):
    client = await web.client("alice", points=100)
    token = await csrf_of(client)
    assert (await client.post("/training/datasets", form={"csrf_token": token, "name": "owl"})).status_code == 302
    body, headers = multipart([("images", f"{n}.png", png(color=(n * 60, 0, 0))) for n in range(4)],
                              {"csrf_token": token})
    assert (await client.post("/training/datasets/owl/images", data=body, headers=headers)).status_code == 302
    captions = {f"caption_{n}": f"owl {n}" for n in range(1, 5)}
    await client.post("/training/datasets/owl/captions", form={"csrf_token": token, **captions})
    await client.post("/training/datasets/owl/trigger", form={"csrf_token": token, "trigger": "owlish"})
    page = await (await client.get("/training/datasets/owl")).get_data(as_text=True)
    assert "Not ready yet" not in page and "Costs 120 points" in page
    answer = await client.post("/training/datasets/owl/draft", form={"csrf_token": token, "steps": "10"})
    run_page = await (await client.get(answer.headers["Location"])).get_data(as_text=True)
    assert "Costs 25 points" in run_page and "Pay 25 points and train" in run_page
    assert await web.balance(client.user) == 100


async def test_a_model_goes_into_a_collection_from_the_models_page(web):
    client = await web.client("alice")
    model = await model_of(web, client.user)
    collection = await web.station.collections.create(client.user.id, "Favourites")
    token = await csrf_of(client, "/models/")
    answer = await client.post("/collections/add", form={"csrf_token": token, "kind": "model", "ref": model.id,
                                                         "collection_id": collection.id, "back": "/models/"})
    assert answer.status_code == 302 and answer.headers["Location"] == "/models/"
    assert [i.ref for i in (await web.storage.collections.get(collection.id)).items] == [model.id]


async def test_a_batch_goes_into_a_collection_picture_by_picture_as_ticked(web):
    client = await web.client("alice", points=200)
    job = await web.station.make_image.submit(client.user.id, "txt2img", {"prompt": "two herons", "steps": 1,
                                                                          "batch_size": 2},
                                              ReplyTo.of("web", user_id=client.user.id))
    job = await finished(client, job.id)
    first, second = [output["key"] for output in job["outputs"]]
    birds = await web.station.collections.create(client.user.id, "Birds")
    page = await (await client.get(f"/jobs/{job['id']}")).get_data(as_text=True)
    assert f'name="ref" value="{first}" checked' in page and f'name="ref" value="{second}" checked' in page
    token = await csrf_of(client, f"/jobs/{job['id']}")
    form = {"csrf_token": token, "collection_id": birds.id, "back": f"/jobs/{job['id']}"}
    answer = await client.post("/collections/add", form=[*form.items(), ("ref", first), ("ref", second)])
    assert answer.status_code == 302
    assert [i.ref for i in (await web.storage.collections.get(birds.id)).items] == [first, second]
    assert "Added 2 pictures to" in await (await client.get(answer.headers["Location"])).get_data(as_text=True)
    best = await web.station.collections.create(client.user.id, "Best")
    await client.post("/collections/add", form={**form, "collection_id": best.id, "ref": second})
    assert [i.ref for i in (await web.storage.collections.get(best.id)).items] == [second]
    answer = await client.post("/collections/add", form={**form, "collection_id": best.id},
                               headers={"Referer": f"http://localhost/jobs/{job['id']}"})
    assert answer.headers["Location"] == f"/jobs/{job['id']}"
    assert "tick at least one picture" in await (await client.get(answer.headers["Location"])).get_data(as_text=True)
    assert [i.ref for i in (await web.storage.collections.get(best.id)).items] == [second]


async def test_settings_save_only_what_changed_and_reset(web):
    client = await web.client("alice")
    token = await csrf_of(client)
    await client.post("/settings", form={"csrf_token": token, "steps": "30", "cfg": "7.0", "sampler": "euler"})
    assert await web.storage.settings.get(client.user.id) == {"steps": 30}
    await client.post("/settings/reset", form={"csrf_token": token, "name": "steps"})
    assert await web.storage.settings.get(client.user.id) == {}
    page = await (await client.post("/settings/link-code", form={"csrf_token": token})).get_data(as_text=True)
    assert "on the sign-in page of another browser" in page and "/link " not in page  # a station without bots
