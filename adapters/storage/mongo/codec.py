"""Domain objects to MongoDB documents and back; ids live in `_id`, sharing maps become queryable lists."""
from __future__ import annotations

from dataclasses import asdict, fields
from enum import Enum
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING

from domain.collections import Collection, CollectionItem
from domain.credentials import Credential, CredentialKind
from domain.identity import LinkCode, User
from domain.jobs import Job, JobState, Progress
from domain.ledger import EntryKind, LedgerEntry
from domain.outputs import OutputKind
from domain.quotes import PendingQuote
from domain.reply import ReplyTo
from domain.training import Dataset, DatasetImage, Model, RunState, TrainingRun

# `seq` records insertion order, to break ties between records created at the same moment.
NEWEST = [("created_at", DESCENDING), ("seq", DESCENDING)]
OLDEST = [("created_at", ASCENDING), ("seq", ASCENDING)]


def stamped(doc: dict) -> dict:
    """`doc` with its insertion stamp (an ObjectId: increasing within a process, by second across them)."""
    return {**doc, "seq": ObjectId()}


def fields_of(doc: dict) -> dict:
    """What an update may `$set`: everything but the id."""
    return {k: v for k, v in doc.items() if k != "_id"}


def to_doc(obj: Any) -> dict:
    """A dataclass as a document: `id` becomes `_id`, enums their values, tuples lists."""
    doc = {name: _plain(value) for name, value in asdict(obj).items()}
    doc["_id"] = doc.pop("id")
    return doc


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    return value


def _fields(cls: type, doc: dict) -> dict:
    values = {**doc, "id": doc["_id"]}
    return {f.name: values[f.name] for f in fields(cls) if f.name in values}


def user(doc: dict) -> User:
    return User(**_fields(User, doc))


def link_code(doc: dict) -> LinkCode:
    return LinkCode(code=doc["_id"], user_id=doc["user_id"], expires_at=doc["expires_at"], used=doc["used"])


def credential(doc: dict) -> Credential:
    return Credential(**{**_fields(Credential, doc), "kind": CredentialKind(doc["kind"])})


def entry_doc(entry: LedgerEntry) -> dict:
    """A ledger entry as stored: without `refund_of` unless it has one (the unique index is sparse)."""
    doc = to_doc(entry)
    if doc["refund_of"] is None:
        del doc["refund_of"]
    return doc


def entry(doc: dict) -> LedgerEntry:
    return LedgerEntry(**{**_fields(LedgerEntry, doc), "kind": EntryKind(doc["kind"])})


def job(doc: dict) -> Job:
    return Job(**{**_fields(Job, doc), "state": JobState(doc["state"]), "progress": Progress(**doc["progress"]),
                  "outputs": tuple(doc["outputs"]), "origin": ReplyTo.from_record(doc.get("origin")),
                  "output": OutputKind(doc.get("output", OutputKind.IMAGES))})


def quote(doc: dict) -> PendingQuote:
    return PendingQuote(**_fields(PendingQuote, doc))


def dataset(doc: dict) -> Dataset:
    return Dataset(**{**_fields(Dataset, doc), "images": tuple(DatasetImage(**i) for i in doc["images"])})


def run(doc: dict) -> TrainingRun:
    return TrainingRun(**{**_fields(TrainingRun, doc), "state": RunState(doc["state"])})


def shared_doc(obj: Model | Collection) -> dict:
    """Models and collections keep `shared_with` as [{user, access}] so it can be indexed and queried."""
    doc = to_doc(obj)
    doc["shared_with"] = [{"user": u, "access": a} for u, a in obj.shared_with.items()]
    return doc


def _shared(doc: dict) -> dict:
    return {pair["user"]: pair["access"] for pair in doc["shared_with"]}


def model(doc: dict) -> Model:
    return Model(**{**_fields(Model, doc), "shared_with": _shared(doc)})


def collection(doc: dict) -> Collection:
    return Collection(**{**_fields(Collection, doc), "shared_with": _shared(doc),
                         "items": tuple(CollectionItem(**i) for i in doc["items"])})
