"""The money audit's rules: what must hold between a job, its ledger entries, its outputs and its training."""
from __future__ import annotations

from dataclasses import dataclass

from domain.jobs import Job, JobState
from domain.ledger import EntryKind, LedgerEntry
from domain.training import Model, RunState, TrainingRun

IN_FLIGHT = frozenset({JobState.REQUESTED, JobState.CHARGED, JobState.QUEUED, JobState.RUNNING})
ENDED = frozenset({JobState.FAILED, JobState.CANCELLED})


@dataclass(frozen=True)
class Violation:
    job_id: str
    problem: str
    repairable: bool = False  # `ledger repair` settles it

    def __str__(self) -> str:
        return f"job {self.job_id}: {self.problem}{' (repairable)' if self.repairable else ''}"


def job_violations(job: Job, entries: list[LedgerEntry], outputs_stored: bool,
                   run: TrainingRun | None = None, model: Model | None = None) -> list[Violation]:
    """Every charged job is in flight, or succeeded with its outputs stored, or ended with exactly one refund."""
    charges = [e for e in entries if e.kind is EntryKind.CHARGE]
    refunds = [e for e in entries if e.kind is EntryKind.REFUND]
    found = [f"charged {len(charges)} times"] if len(charges) > 1 else []
    found += [f"charged {-c.amount} points for a price of {job.price}" for c in charges if -c.amount != job.price]
    if job.paid and not charges:
        found.append("marked paid, but no charge was posted")
    if charges and not job.paid and job.state is not JobState.REQUESTED:
        found.append("charged, but not marked paid")
    if refunds and (job.state in IN_FLIGHT or job.state is JobState.SUCCEEDED):
        found.append(f"refunded while {job.state.value}")
    if len(refunds) > 1:
        found.append(f"refunded {len(refunds)} times")
    found += [f"refunded {r.amount} points of a {-charges[0].amount} charge" for r in refunds
              if charges and r.amount != -charges[0].amount]
    if job.state is JobState.SUCCEEDED and not outputs_stored:
        found.append("succeeded, but its outputs are not all stored")
    found += _training(job, run, model)
    violations = [Violation(job.id, problem) for problem in found]
    if job.state in ENDED and charges and (not refunds or not job.refunded):
        violations.append(Violation(job.id, f"{job.state.value}, and its refund is not settled", repairable=True))
    if job.state is JobState.REQUESTED and charges:
        violations.append(Violation(job.id, "charged, but never queued", repairable=True))
    return violations


def orphan_violations(entry: LedgerEntry) -> list[Violation]:
    """An entry naming a job that does not exist."""
    return [Violation(entry.job_id or "?", f"{entry.kind.value} {entry.key} names a job that does not exist")]


def _training(job: Job, run: TrainingRun | None, model: Model | None) -> list[str]:
    if job.kind != "training" or job.state in IN_FLIGHT:
        return []
    if run is None:
        return ["a training job without its training run"]
    if job.state is JobState.SUCCEEDED:
        if run.state is not RunState.COMPLETED:
            return [f"training succeeded, but its run is {run.state.value}"]
        if model is None or run.model_id != model.id:
            return ["training succeeded, but its model is missing"]
        return []
    found = [f"training {job.state.value}, but its run is completed"] if run.state is RunState.COMPLETED else []
    return found + (["training did not succeed, yet a model was registered"] if model is not None else [])
