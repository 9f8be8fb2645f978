"""/healthz (storage and every ComfyUI worker, as JSON) and /metrics (Prometheus text)."""
from __future__ import annotations

import logging

from quart import Blueprint, Response, jsonify

from adapters.web.context import web
from domain.jobs import JobState
from ports.space import StorageFull

blueprint = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@blueprint.get("/healthz")
async def healthz():
    """200 while storage answers ("degraded" when it is full or no worker is healthy), 503 when it does not."""
    answers, storage = await _storage_state()
    runner = web().station.runner
    workers = [{"name": w.name, "healthy": w.healthy, "running": len(w.running)} for w in runner.workers]
    status = "down" if not answers else "ok" if storage["ok"] and any(w["healthy"] for w in workers) else "degraded"
    body = {"status": status, "storage": storage, "workers": workers, "queue_depth": len(runner.queue)}
    return jsonify(body), 200 if answers else 503


async def _storage_state() -> tuple[bool, dict]:
    """(whether the store answers, what /healthz says of it)."""
    try:
        await web().storage.ping()
    except StorageFull as error:  # the refused writes were logged when they happened
        log.debug("health check: %s", error)
        return True, {"ok": False, "full": True}
    except Exception as error:  # noqa: BLE001  any failure of any store means down; the log says which
        log.warning("health check: storage does not answer: %s", type(error).__name__)
        return False, {"ok": False}
    return True, {"ok": True}


@blueprint.get("/metrics")
async def metrics():
    storage, runner = web().storage, web().station.runner
    by_state = await storage.jobs.count_by_state()
    totals = await storage.ledger.totals()
    lines = ["# HELP stationthis_jobs Jobs in storage by state.", "# TYPE stationthis_jobs gauge"]
    lines += [f'stationthis_jobs{{state="{s.value}"}} {by_state.get(s.value, 0)}' for s in JobState]
    lines += ["# HELP stationthis_queue_depth Jobs waiting for a worker in this process.",
              "# TYPE stationthis_queue_depth gauge", f"stationthis_queue_depth {len(runner.queue)}",
              "# HELP stationthis_worker_healthy Whether each ComfyUI worker answers (1) or not (0).",
              "# TYPE stationthis_worker_healthy gauge"]
    lines += [f'stationthis_worker_healthy{{worker="{_label(w.name)}"}} {int(w.healthy)}' for w in runner.workers]
    lines += ["# HELP stationthis_worker_running Jobs each worker is running now.",
              "# TYPE stationthis_worker_running gauge"]
    lines += [f'stationthis_worker_running{{worker="{_label(w.name)}"}} {len(w.running)}' for w in runner.workers]
    for kind, name in (("charge", "charged"), ("refund", "refunded"), ("grant", "granted")):
        lines += [f"# HELP stationthis_points_{name}_total Points {name} since the ledger began.",
                  f"# TYPE stationthis_points_{name}_total counter",
                  f"stationthis_points_{name}_total {totals.get(kind, 0)}"]
    return Response("\n".join(lines) + "\n", content_type="text/plain; version=0.0.4; charset=utf-8")


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
