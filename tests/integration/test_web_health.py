"""/healthz, /metrics and the OpenAPI document, on the real app."""
from __future__ import annotations

import re
from dataclasses import replace

import openapi_spec_validator

from adapters.web.app import create_app
from tests.integration.web_helpers import (
    finished,
    web_app,  # noqa: F401  (provides the `web` fixture)
)

METRICS_TOKEN = "metrics-token-0123456789"
SAMPLE = re.compile(r'^[a-z_]+(\{[a-z_]+="(?:[^"\\]|\\.)*"\})? -?\d+(\.\d+)?$')


async def test_healthz_reports_storage_and_every_worker(web):
    answer = await web.quart.test_client().get("/healthz")
    body = await answer.get_json()
    assert answer.status_code == 200
    assert body["status"] == "ok" and body["storage"] == {"ok": True} and body["queue_depth"] == 0
    assert body["workers"] == [{"name": web.app.container.infra.engines()[0].name, "healthy": True, "running": 0}]


async def test_healthz_stays_200_but_degraded_when_comfyui_is_down(web):
    await web.comfy.crash()
    await web.runner.check_health()
    answer = await web.quart.test_client().get("/healthz")
    body = await answer.get_json()
    assert answer.status_code == 200 and body["status"] == "degraded" and body["workers"][0]["healthy"] is False


async def test_healthz_is_503_when_storage_is_down(web):
    await web.storage.close()
    answer = await web.quart.test_client().get("/healthz")
    body = await answer.get_json()
    assert answer.status_code == 503 and body["status"] == "down" and body["storage"] == {"ok": False}


async def test_metrics_count_jobs_queue_and_workers_and_points_only_behind_the_metrics_token(web):
    _, auth = await web.bearer("alice", points=100)
    client = web.quart.test_client()
    made = await (await client.post("/api/v1/tools/txt2img/jobs", headers=auth,
                                    json={"params": {"prompt": "m", "steps": 1}})).get_json()
    job = await finished(client, made["id"], auth)
    web.comfy.fail_next_submit()
    failed = await (await client.post("/api/v1/tools/txt2img/jobs", headers=auth,
                                      json={"params": {"prompt": "n", "steps": 1}})).get_json()
    await finished(client, failed["id"], auth)
    answer = await client.get("/metrics")
    text = await answer.get_data(as_text=True)
    assert answer.content_type.startswith("text/plain; version=0.0.4")
    samples = dict(line.rsplit(" ", 1) for line in text.splitlines() if not line.startswith("#"))
    assert all(SAMPLE.match(line) for line in text.splitlines() if not line.startswith("#"))
    assert samples['stationthis_jobs{state="succeeded"}'] == "1" and samples['stationthis_jobs{state="failed"}'] == "1"
    assert samples["stationthis_queue_depth"] == "0"
    assert samples[f'stationthis_worker_healthy{{worker="{web.comfy.url}"}}'] == "1"
    assert not any("points" in name for name in samples)  # without METRICS_TOKEN: counts and health only
    guarded = create_app(web.station, replace(web.quart.extensions["stationthis"].settings,
                                              metrics_token=METRICS_TOKEN)).test_client()
    for refused in ({}, {"Authorization": "Bearer wrong-token-of-the-same-sort"}, {"Authorization": METRICS_TOKEN}):
        answer = await guarded.get("/metrics", headers=refused)
        assert answer.status_code == 401 and answer.headers["WWW-Authenticate"].startswith("Bearer")
    answer = await guarded.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    samples = dict(line.rsplit(" ", 1) for line in (await answer.get_data(as_text=True)).splitlines()
                   if not line.startswith("#"))
    assert int(samples["stationthis_points_charged_total"]) == job["price"] + failed["price"]
    assert int(samples["stationthis_points_refunded_total"]) == failed["price"]
    assert samples["stationthis_points_granted_total"] == "100"


async def openapi_of(web) -> dict:
    answer = await web.quart.test_client().get("/api/v1/openapi.json")
    assert answer.status_code == 200
    return await answer.get_json()


async def test_the_openapi_document_is_valid_openapi_3_1(web):
    openapi_spec_validator.validate(await openapi_of(web))


async def test_every_reference_resolves_and_every_path_parameter_is_declared(web):
    document = await openapi_of(web)
    text = str(document)
    for name in set(re.findall(r"#/components/schemas/([A-Za-z0-9_]+)", text)):
        assert name in document["components"]["schemas"], name
    for path, methods in document["paths"].items():
        declared = re.findall(r"{([a-z_]+)}", path)
        for method, operation in methods.items():
            assert operation["responses"], f"{method} {path}"
            assert sorted(p["name"] for p in operation.get("parameters", []) if p["in"] == "path") == sorted(declared)


async def test_the_document_and_the_routes_agree_both_ways(web):
    document = await openapi_of(web)
    adapter = web.quart.url_map.bind("localhost")
    for path, methods in document["paths"].items():
        concrete = re.sub(r"{[a-z_]+}", "1", path)
        for method in methods:
            endpoint, _ = adapter.match(f"/api/v1{concrete}", method=method.upper())
            assert endpoint.startswith("api."), f"{method} {path}"
    samples = [re.sub(r"{[a-z_]+}", "1", path) for path in document["paths"]]
    for rule in web.quart.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.rule != "/api/v1/openapi.json":
            pattern = re.sub(r"<[^>]+>", "[^/]+", rule.rule.removeprefix("/api/v1"))
            assert any(re.fullmatch(pattern, sample) for sample in samples), f"{rule.rule} is not documented"


async def test_each_tools_parameters_are_typed_from_its_manifest(web):
    schemas = (await openapi_of(web))["components"]["schemas"]
    params = schemas["Params_txt2img"]
    assert params["required"] == ["prompt"] and params["additionalProperties"] is False
    assert params["properties"]["steps"] == {"anyOf": [{"description": "Sampling steps: more is slower and finer.",
                                                        "type": "integer", "minimum": 1, "maximum": 100},
                                                       {"type": "null"}]}  # optional: null means the default
    assert params["properties"]["sampler"]["anyOf"][0]["enum"][0] == "euler"
    assert params["properties"]["prompt"]["minLength"] == 1
    assert "Params_train_lora" not in schemas
