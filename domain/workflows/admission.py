"""Admission: a job is stored together with its charge, or not at all; then this instance holds it."""
from __future__ import annotations

import logging

from domain.errors import DomainError, InsufficientPoints
from domain.jobs import Job, JobState
from domain.workflows.points import Points
from domain.workflows.workers import RunnerConfig
from ports.clock import Clock
from ports.storage import Storage

log = logging.getLogger(__name__)
_IN_FLIGHT = (JobState.CHARGED, JobState.QUEUED, JobState.RUNNING)


class Admission:
    def __init__(self, storage: Storage, points: Points, clock: Clock, config: RunnerConfig):
        self.storage, self.points, self.clock, self.config = storage, points, clock, config

    async def admit(self, job: Job) -> Job | None:
        """Store `job` (charged, or requested waiting for its charge) with its charge, as one. The stored
        job, or None if its id was taken already. Raises InsufficientPoints, having stored nothing."""
        now = self.clock.now()
        charged = job if job.state is JobState.CHARGED else job.to(JobState.CHARGED, now, paid=job.price > 0)
        if not await self.storage.jobs.add(charged, self.points.charge_entry(charged)):
            return None
        log.info("job %s accepted: /%s for user %s, %d points", job.id, job.tool, job.user_id, job.price)
        await self.claim(job.id)
        return charged

    async def check_room(self, user_id: str) -> None:
        """One person keeps at most `max_jobs_per_user` jobs in flight, whatever face they ask from."""
        limit = self.config.max_jobs_per_user
        in_flight = [job for state in _IN_FLIGHT for job in await self.storage.jobs.of_user(user_id, limit, state=state)]
        if len(in_flight) >= limit:
            raise DomainError(f"You already have {len(in_flight)} jobs queued or running, the most one person may "
                              "have at once. Wait for one to finish (or cancel one), then try again. Nothing was "
                              "charged.")

    async def finish(self, job: Job) -> Job | None:
        """Finish admitting a job a crash left waiting for its charge; None if the points are gone now
        (the job is then removed, as if never asked for) or another caller finished it."""
        try:
            return await self.admit(job)
        except InsufficientPoints:
            log.info("job %s dropped after a restart: its owner no longer has %d points", job.id, job.price)
            return None

    def underway(self, job: Job) -> bool:
        """A job waiting for its charge that another call is admitting right now; older, a crash left it."""
        return job.state is JobState.REQUESTED and self.clock.now() - job.updated_at < self.config.lease_seconds / 4

    async def claim(self, job_id: str) -> bool:
        """Hold the job for this instance (renewable); False while another live instance holds it."""
        now = self.clock.now()
        return await self.storage.jobs.claim(job_id, self.config.instance, now + self.config.lease_seconds, now)
