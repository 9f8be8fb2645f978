"""Domain objects as plain JSON-ready dicts, shared by the API and the live progress stream."""
from __future__ import annotations

from domain.blobs import is_image, shown_as
from domain.catalogue import ParamSpec, ToolSpec
from domain.collections import Collection
from domain.credentials import Credential
from domain.jobs import Job
from domain.ledger import LedgerEntry
from domain.training import Dataset, Model, TrainingRun
from domain.wording import progress
from domain.workflows.make_image import Quote


def media_url(key: str) -> str:
    return f"/media/{key}"


def job(item: Job, position: int | None = None, preview: int | None = None, wait: float | None = None) -> dict:
    """`preview`: the number of the job's newest preview, if it has one (its URL changes with it); `wait`: the
    seconds until it should start."""
    return {
        "id": item.id, "tool": item.tool, "kind": item.kind, "output": item.output.value, "state": item.state.value,
        "terminal": item.terminal, "position": position, "price": item.price, "refunded": item.refunded,
        "progress": {"percent": item.progress.percent, "step": item.progress.step, "total": item.progress.total,
                     "message": item.progress.message, "words": progress(item, position, wait)},
        "preview": f"/api/v1/jobs/{item.id}/preview?n={preview}" if preview else None,
        "error": item.error, "params": item.params,
        "outputs": [{"key": key, "url": media_url(key), "image": is_image(key), "shown": shown_as(key).value}
                    for key in item.outputs],
        "parent_id": item.parent_id, "created_at": item.created_at, "updated_at": item.updated_at,
    }


def quote(item: Quote) -> dict:
    return {"tool": item.tool, "values": item.values, "price": item.price, "balance": item.balance,
            "affordable": item.affordable}


def param(spec: ParamSpec) -> dict:
    return {"name": spec.name, "type": spec.type, "description": spec.description, "default": spec.default,
            "required": spec.required, "min": spec.min, "max": spec.max, "choices": list(spec.choices)}


def tool(spec: ToolSpec) -> dict:
    return {"name": spec.name, "title": spec.title, "description": spec.description, "kind": spec.kind,
            "output": spec.output.value, "price": spec.price.describe(), "params": [param(p) for p in spec.params]}


def dataset(item: Dataset, problems: list[str] | None = None) -> dict:
    return {
        "id": item.id, "name": item.name, "trigger": item.trigger, "created_at": item.created_at,
        "images": [{"number": n, "url": media_url(i.blob), "caption": i.caption, "width": i.width,
                    "height": i.height} for n, i in enumerate(item.images, start=1)],
        **({"problems": problems} if problems is not None else {}),
    }


def run(item: TrainingRun, run_job: Job | None = None) -> dict:
    return {"id": item.id, "state": item.state.value, "dataset_id": item.dataset_id, "model_name": item.model_name,
            "price": item.price, "tool": item.tool, "params": item.params, "model_id": item.model_id,
            "error": item.error, "created_at": item.created_at, "job": job(run_job) if run_job else None}


def model(item: Model, viewer: str) -> dict:
    mine = item.owner == viewer
    return {"id": item.id, "name": item.name, "trigger": item.trigger, "filename": item.filename,
            "size": item.size, "visibility": item.visibility, "mine": mine, "created_at": item.created_at,
            "shared_with": sorted(item.shared_with) if mine else [], "download_url": f"/models/{item.id}/download"}


def collection(item: Collection, viewer: str) -> dict:
    mine = item.owner == viewer
    return {
        "id": item.id, "name": item.name, "visibility": item.visibility, "mine": mine,
        "editable": item.can_edit(viewer), "created_at": item.created_at,
        "items": [{"number": n, "kind": i.kind, "ref": i.ref, "url": f"/collections/{item.id}/items/{n}"}
                  for n, i in enumerate(item.items, start=1)],
        "shared_with": item.shared_with if mine else {},
        "link": {"token": item.link_token, "expires_at": item.link_expires_at} if mine and item.link_token else None,
    }


def credential(item: Credential, current: Credential | None) -> dict:
    return {"id": item.id, "kind": item.kind.value, "name": item.name, "created_at": item.created_at,
            "last_used_at": item.last_used_at, "expires_at": item.expires_at,
            "current": current is not None and current.id == item.id}


def entry(item: LedgerEntry) -> dict:
    return {"id": item.id, "kind": item.kind.value, "amount": item.amount, "reason": item.reason,
            "job_id": item.job_id, "created_at": item.created_at}
