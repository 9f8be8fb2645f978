"""Small builders of domain records for the contract suite, with every optional field filled in."""
from __future__ import annotations

import itertools
from dataclasses import MISSING, fields

from domain.collections import Collection, CollectionItem
from domain.jobs import Job, JobState, Progress
from domain.ledger import EntryKind, LedgerEntry
from domain.outputs import OutputKind
from domain.reply import ReplyTo
from domain.training import Dataset, DatasetImage, Model, RunState, TrainingRun

_ids = itertools.count(1)


def new_id(prefix: str = "id") -> str:
    return f"{prefix}{next(_ids)}"


def defaults_left(record) -> list[str]:
    """Fields still at their default value, whose loss a round-trip test would not notice."""
    return [f.name for f in fields(record)
            if (f.default is not MISSING and getattr(record, f.name) == f.default)
            or (f.default_factory is not MISSING and getattr(record, f.name) == f.default_factory())]


def entry(user_id: str, kind: EntryKind, amount: int, key: str | None = None, created_at: float = 1000.0,
          **fields) -> LedgerEntry:
    return LedgerEntry(id=new_id("e"), user_id=user_id, kind=kind, amount=amount, key=key or new_id(f"{kind.value}:"),
                       reason=f"{kind.value} for a test", created_at=created_at, **fields)


def job(user_id: str = "alice", state: JobState = JobState.REQUESTED, created_at: float = 1000.0, **fields) -> Job:
    values = dict(
        id=new_id("job"), user_id=user_id, tool="make", kind="image",
        params={"prompt": "a red fox", "steps": 20, "cfg": 6.5, "tiling": False, "loras": ["fox", "snow"]},
        price=30, state=state, created_at=created_at, updated_at=created_at + 1,
        origin=ReplyTo.of("telegram", chat="42", message=7),
        progress=Progress(percent=42.5, step=8, total=20, message="sampling", seconds_left=6.5),
        worker="gpu-1", outputs=("results/a/0.png", "results/a/1.png"), error=None, failure="worker_lost",
        paid=False, refunded=False, parent_id="job0", version=0, action="reroll",
        output=OutputKind.ANIMATION, started_at=created_at + 0.5)
    return Job(**values | fields)


def dataset(owner: str = "alice", name: str = "my_cat", created_at: float = 1000.0) -> Dataset:
    return Dataset(id=new_id("ds"), owner=owner, name=name, created_at=created_at, trigger="mycat",
                   prefix="a photo of mycat, ",
                   images=(DatasetImage("blobs/1.png", "a cat on a sofa", 512, 768, "0f0f00000000000080c0ff"),
                           DatasetImage("blobs/2.png", "", 1024, 1024)))


def run(owner: str = "alice", created_at: float = 1000.0, **fields) -> TrainingRun:
    values = dict(id=new_id("run"), owner=owner, dataset_id="ds1", model_name="cat_lora", price=500,
                  state=RunState.TRAINING, created_at=created_at, params={"steps": 1200, "rank": 16, "lr": 0.0004},
                  tool="train_lora", job_id=new_id("job"), model_id=None,
                  error="out of memory once")
    return TrainingRun(**values | fields)


def model(owner: str = "alice", name: str = "cat_lora", created_at: float = 1000.0, **fields) -> Model:
    values = dict(id=new_id("model"), owner=owner, name=name, blob="models/cat.safetensors",
                  filename="cat_lora.safetensors", trigger="mycat", created_at=created_at, visibility="private",
                  shared_with={}, job_id="job9", size=123456789, curve="results/job9/2.png")
    return Model(**values | fields)


def collection(owner: str = "alice", name: str = "favourites", created_at: float = 1000.0, **fields) -> Collection:
    values = dict(id=new_id("col"), owner=owner, name=name, created_at=created_at,
                  items=(CollectionItem("image", "results/a/0.png", 1001.0), CollectionItem("model", "model1", 1002.5)),
                  visibility="private", shared_with={}, link_token=None, link_expires_at=None)
    return Collection(**values | fields)
