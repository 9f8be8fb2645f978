"""Jobs as their owner sees them: one job, a page of them, a place in line, and cancelling."""
from __future__ import annotations

from dataclasses import dataclass

from domain.errors import InvalidParameter, NotFound
from domain.jobs import Job, JobState
from domain.workflows.make_image import MakeImage
from domain.workflows.runner import JobRunner
from ports.storage import Storage

NOTHING_TO_CANCEL = "You have nothing queued or running."
STATES = frozenset(s.value for s in JobState)


@dataclass(frozen=True)
class JobFilter:
    state: str | None = None
    limit: int = 20
    offset: int = 0


class Jobs:
    def __init__(self, storage: Storage, make_image: MakeImage, runner: JobRunner):
        self.storage, self.make_image, self.runner = storage, make_image, runner

    async def get(self, user_id: str, job_id: str) -> Job:
        """The user's job; another user's is simply not found."""
        return await self.make_image.own_job(user_id, job_id)

    async def page(self, user_id: str, filters: JobFilter = JobFilter()) -> list[Job]:
        """Newest first; asks for one more than `limit`, so a caller can tell whether more follow."""
        if filters.state is not None and filters.state not in STATES:
            raise InvalidParameter("state", f"must be one of {', '.join(s.value for s in JobState)}.")
        state = JobState(filters.state) if filters.state else None
        return await self.storage.jobs.of_user(user_id, limit=filters.limit, offset=filters.offset, state=state)

    async def in_progress(self, user_id: str, limit: int = 10) -> list[Job]:
        return [job for state in (JobState.RUNNING, JobState.QUEUED)
                for job in await self.storage.jobs.of_user(user_id, limit=limit, state=state)]

    def position(self, job: Job) -> int | None:
        """1-based place in line, 0 once a worker has it; None when finished or not known here."""
        return None if job.terminal else self.runner.position(job.id)

    def expected_start(self, job: Job) -> float | None:
        """Seconds until a waiting job should start, from recent jobs; None when running, ended or not known."""
        return None if job.terminal else self.runner.expected_start(job)

    async def cancel(self, user_id: str, job_id: str | None = None) -> Job:
        """Cancel one of the user's jobs (their newest unfinished one without an id). A finished job stays
        as it was; a paid one that stops is refunded once, by the runner, when the worker lets go of it."""
        job = await self.get(user_id, job_id) if job_id else await self._latest_unfinished(user_id)
        if not job.terminal:
            await self.runner.cancel(job)
        return job

    async def _latest_unfinished(self, user_id: str) -> Job:
        unfinished = [j for j in await self.storage.jobs.of_user(user_id, limit=50) if not j.terminal]
        if not unfinished:
            raise NotFound(NOTHING_TO_CANCEL)
        return unfinished[0]
