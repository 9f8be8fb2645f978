"""Results are stored without ComfyUI's workflow metadata (so every face serves clean files), unless the operator
keeps it; the parameters stay in the job record for those allowed to see the job."""
from __future__ import annotations

import io

from PIL import Image

from adapters.media.metadata import without_metadata
from bootstrap.app import StationApp
from bootstrap.config import load_config
from tests.integration.web_helpers import (
    env_for,
    finished,
    web_app,  # noqa: F401  (provides the `web` fixture)
)
from tests.standins.comfyui.standin import ComfyUIStandin


async def made_picture(client, auth: dict) -> tuple[dict, bytes]:
    made = await (await client.post("/api/v1/tools/txt2img/jobs", headers=auth, json={"params": {
        "prompt": "a secret prompt", "negative": "blurry", "steps": 1, "seed": 7}})).get_json()
    job = await finished(client, made["id"], auth)
    served = await client.get(job["outputs"][0]["url"], headers=auth)
    assert served.status_code == 200
    return job, await served.get_data()


async def test_a_result_is_served_without_the_workflow_but_the_job_keeps_its_parameters(web):
    user, auth = await web.bearer("alice", points=50)
    client = web.quart.test_client()
    job, data = await made_picture(client, auth)
    assert b"a secret prompt" not in data and b"tEXt" not in data and b"iTXt" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.text == {} and image.size == (job["params"]["width"], job["params"]["height"])
    assert job["params"]["prompt"] == "a secret prompt" and job["params"]["seed"] == 7
    collection = await web.station.collections.create(user.id, "Out")
    await web.station.collections.add(user.id, collection.id, "image", job["outputs"][0]["key"])
    linked = await web.station.collections.link(user.id, collection.id)
    shared = await web.quart.test_client().get(f"/shared/{linked.link_token}/items/1")
    assert await shared.get_data() == data


async def test_an_operator_may_keep_the_workflow_for_comfyui_loadable_files(tmp_path):
    async with ComfyUIStandin(step_delay=0.005) as comfy:
        app = StationApp(load_config(env=env_for(tmp_path, comfy, STATIONTHIS_KEEP_RESULT_METADATA="1"), dotenv=False))
        await app.start()
        try:
            station = app.container.use_cases.station()
            user = await station.accounts.user_for("web:alice")
            await station.points.grant(user.id, 50)
            _, token = await station.credentials.create_token(user.id, "t")
            client = next(p for p in app.platforms if hasattr(p, "app")).app.test_client()
            _, data = await made_picture(client, {"Authorization": f"Bearer {token}"})
        finally:
            await app.stop()
    with Image.open(io.BytesIO(data)) as image:
        assert "a secret prompt" in image.text["prompt"]


def test_webp_exif_and_xmp_are_dropped_and_the_pixels_are_untouched():
    picture = Image.new("RGB", (80, 64), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "workflow:{\"secret\": true}"
    buffer = io.BytesIO()
    picture.save(buffer, "WEBP", lossless=True, exif=exif.tobytes(), xmp=b"<x:xmpmeta>secret</x:xmpmeta>")
    cleaned = without_metadata(buffer.getvalue())
    assert b"secret" in buffer.getvalue() and b"secret" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as image:
        assert "exif" not in image.info and "xmp" not in image.info
        assert image.convert("RGB").tobytes() == picture.tobytes()
    assert without_metadata(b"not a picture") == b"not a picture"
    assert without_metadata(b"\x89PNG\r\n\x1a\n\x00\x00") == b"\x89PNG\r\n\x1a\n\x00\x00"  # cut short: unchanged
