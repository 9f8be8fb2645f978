"""The web's previews through the API: each job's newest picture at its own address, named in its event stream,
kept after a Stop; another user's job's preview is not found."""
import asyncio
import io
import json

from PIL import Image

from tests.integration.web_helpers import web_app  # noqa: F401  (the fixture "web")


def prompt_in(data: bytes) -> str:
    return Image.open(io.BytesIO(data)).info["comment"].decode().split()[0]


async def until_preview(client, auth, job_id: str) -> dict:
    for _ in range(200):
        job = await (await client.get(f"/api/v1/jobs/{job_id}", headers=auth)).get_json()
        answer = await client.get(f"/api/v1/jobs/{job_id}/preview", headers=auth)
        if answer.status_code == 200:
            return {"job": job, "data": await answer.get_data()}
        await asyncio.sleep(0.05)
    raise AssertionError(f"no preview of {job_id}")


async def test_two_jobs_on_one_worker_each_have_their_own_preview_and_stop_keeps_it(web):  # noqa: F811
    web.comfy.step_delay, web.comfy.preview_rate = 0.1, 20
    user, auth = await web.bearer("alice", points=200)
    client = web.quart.test_client()
    ids = [(await (await client.post("/api/v1/tools/txt2img/jobs", headers=auth, json={
        "params": {"prompt": f"slow {n}", "steps": 30, "seed": n}})).get_json())["id"] for n in range(2)]
    first = await until_preview(client, auth, ids[0])
    assert prompt_in(first["data"]) == ids[0]
    await client.post(f"/api/v1/jobs/{ids[0]}/cancel", headers=auth)  # Stop: the second one runs next
    second = await until_preview(client, auth, ids[1])
    assert prompt_in(second["data"]) == ids[1]
    answer = await client.get(f"/api/v1/jobs/{ids[1]}/events", headers=auth)
    events = [json.loads(line[6:]) for line in (await answer.get_data(as_text=True)).splitlines()
              if line.startswith("data: ")]
    assert any(e["preview"] and e["preview"].startswith(f"/api/v1/jobs/{ids[1]}/preview") for e in events)
    stopped = await (await client.get(f"/api/v1/jobs/{ids[0]}", headers=auth)).get_json()
    assert stopped["state"] == "cancelled" and stopped["refunded"]
    kept = await client.get(f"/api/v1/jobs/{ids[0]}/preview", headers=auth)
    assert kept.status_code == 200 and prompt_in(await kept.get_data()) == ids[0]  # the last one stays
    _, other = await web.bearer("bob", points=10)
    assert (await client.get(f"/api/v1/jobs/{ids[1]}/preview", headers=other)).status_code == 404
