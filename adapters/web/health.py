"""/livez (the process serves), /healthz (storage and every ComfyUI worker, as JSON) and /metrics (Prometheus)."""
from __future__ import annotations

import hmac

from quart import Blueprint, Response, jsonify, request

from adapters.web.context import web
from domain.jobs import JobState

blueprint = Blueprint("health", __name__)


@blueprint.get("/livez")
async def livez():
    """A liveness probe: answers as soon as the web serves at all, touching nothing else (the web's floor)."""
    return Response("ok\n", content_type="text/plain")


@blueprint.get("/healthz")
async def healthz():
    """200 while storage answers ("degraded" when it is full or no worker is healthy), 503 when it does not."""
    health = await web().station.monitoring.health()
    workers = [{"name": w.name, "healthy": w.healthy, "running": w.running} for w in health.workers]
    storage = {"ok": health.storage_ok, **({"full": True} if health.storage_full else {})}
    body = {"status": health.status, "storage": storage, "workers": workers, "queue_depth": health.queue_depth,
            "platforms": {name: {"connected": up} for name, up in health.platforms.items()}}
    return jsonify(body), 200 if health.storage_answers else 503


@blueprint.get("/metrics")
async def metrics():
    """Counts and health for everyone; points totals only with METRICS_TOKEN set and sent as a bearer token."""
    expected = web().settings.metrics_token
    if expected and not hmac.compare_digest(request.headers.get("Authorization", "").encode(),
                                            f"Bearer {expected}".encode()):
        return Response("Send 'Authorization: Bearer METRICS_TOKEN'.\n", status=401, content_type="text/plain",
                        headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    monitoring = web().station.monitoring
    counts, health = await monitoring.counts(), await monitoring.health()
    by_state, totals, workers = counts.jobs_by_state, counts.points_moved, health.workers
    lines = ["# HELP stationthis_jobs Jobs in storage by state.", "# TYPE stationthis_jobs gauge"]
    lines += [f'stationthis_jobs{{state="{s.value}"}} {by_state.get(s.value, 0)}' for s in JobState]
    lines += ["# HELP stationthis_queue_depth Jobs waiting for a worker in this process.",
              "# TYPE stationthis_queue_depth gauge", f"stationthis_queue_depth {health.queue_depth}",
              "# HELP stationthis_worker_healthy Whether each ComfyUI worker answers (1) or not (0).",
              "# TYPE stationthis_worker_healthy gauge"]
    lines += [f'stationthis_worker_healthy{{worker="{_label(w.name)}"}} {int(w.healthy)}' for w in workers]
    lines += ["# HELP stationthis_worker_running Jobs each worker is running now.",
              "# TYPE stationthis_worker_running gauge"]
    lines += [f'stationthis_worker_running{{worker="{_label(w.name)}"}} {w.running}' for w in workers]
    lines += ["# HELP stationthis_platform_connected Whether each chat bot is connected (1) or not (0).",
              "# TYPE stationthis_platform_connected gauge"]
    lines += [f'stationthis_platform_connected{{platform="{name}"}} {int(up)}' for name, up in health.platforms.items()]
    for what, said in (("shown", "put on status messages"), ("dropped", "dropped for a newer one (flood limits)")):
        lines += [f"# HELP stationthis_previews_{what}_total Preview pictures each chat bot {said}.",
                  f"# TYPE stationthis_previews_{what}_total counter"]
        lines += [f'stationthis_previews_{what}_total{{platform="{name}"}} {getattr(seen, what)}'
                  for name, seen in health.previews.items()]
    for kind, name in (("charge", "charged"), ("refund", "refunded"), ("grant", "granted")) if expected else ():
        lines += [f"# HELP stationthis_points_{name}_total Points {name} since the ledger began.",
                  f"# TYPE stationthis_points_{name}_total counter",
                  f"stationthis_points_{name}_total {totals.get(kind, 0)}"]
    return Response("\n".join(lines) + "\n", content_type="text/plain; version=0.0.4; charset=utf-8")


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
