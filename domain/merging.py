"""Joining two accounts: how each record of the joining account moves into the surviving one (both stores apply it)."""
from __future__ import annotations

from dataclasses import replace
from typing import Any, TypeVar

from domain.jobs import TERMINAL, Job, JobState

R = TypeVar("R")
ALIAS = "account:{}"  # an identity naming a joined account, so what it sent before (inputs/<id>/…) has an owner


def alias_of(user_id: str) -> str:
    return ALIAS.format(user_id)


def blocks_merge(job: Job) -> bool:
    """Money still moves for it: unfinished, or ended owing its refund. The account waits until it settles."""
    return job.state not in TERMINAL or job.owes_refund or job.state is JobState.REQUESTED


def moved(record: R, source: str, target: str, taken: set[str] | None = None) -> R:
    """`record` as the surviving account holds it: owned by `target`, renamed if `target` already has that name
    (`taken`, which grows by the new name), and shared with `target` wherever it was shared with `source`."""
    changes: dict[str, Any] = {}
    for field in ("user_id", "owner"):
        if getattr(record, field, None) == source:
            changes[field] = target
    shared: dict[str, str] | None = getattr(record, "shared_with", None)
    if shared is not None and source in shared:
        owner = changes.get("owner", getattr(record, "owner", None))
        kept = {user: access for user, access in shared.items() if user != source}
        changes["shared_with"] = kept if owner == target else {**kept, target: shared[source]}
    if "owner" in changes and shared is not None and target in shared:
        changes["shared_with"] = {u: a for u, a in changes.get("shared_with", shared).items() if u != target}
    name = getattr(record, "name", None)
    if "owner" in changes and taken is not None and isinstance(name, str):
        changes["name"] = free_name(name, taken)
        taken.add(changes["name"])
    return replace(record, **changes) if changes else record  # type: ignore[type-var]


def free_name(wanted: str, taken: set[str]) -> str:
    """`wanted`, or `wanted_2`, `wanted_3`… (trimmed so it stays within every name rule's 40 characters)."""
    name, n = wanted, 2
    while name in taken:
        suffix = f"_{n}"
        name, n = wanted[:40 - len(suffix)] + suffix, n + 1
    return name


def merged_settings(source: dict[str, Any], target: dict[str, Any]) -> dict[str, Any]:
    """The surviving account keeps its own choices; the joining one's fill the gaps."""
    return {**source, **target}
