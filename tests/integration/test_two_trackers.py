"""Two job trackers on one database: every job is submitted once and delivered once."""
import asyncio

from bootstrap.config import load_config
from bootstrap.container import build_container
from domain.jobs import Job, JobState
from domain.reply import ReplyTo
from tests.conftest import env_for
from tests.fakes import FakeEngine, RecordingNotifier


async def tracker(tmp_path, name, engine):
    notifier = RecordingNotifier()
    env = env_for(tmp_path, STATIONTHIS_INSTANCE=name)
    container = build_container(load_config(env=env, dotenv=False), engines=[engine], notifier=notifier)
    await container.infra.storage().open()
    return container, notifier


async def test_two_trackers_starting_together_submit_and_deliver_each_job_once(tmp_path):
    engine = FakeEngine()
    a, notes_a = await tracker(tmp_path, "a", engine)
    b, notes_b = await tracker(tmp_path, "b", engine)
    station = a.use_cases.station()
    user = await station.accounts.user_for("web:alice")
    await station.points.grant(user.id, 1000)
    jobs = []
    for n in range(12):
        quote = await station.make_image.quote(user.id, "txt2img", {"prompt": f"fox {n}"})
        job = Job(id=f"orphan{n}", user_id=user.id, tool="txt2img", kind="image", params=quote.values,
                  price=quote.price, state=JobState.REQUESTED, created_at=1, updated_at=1, origin=ReplyTo())
        job = job.to(JobState.CHARGED, 1, paid=True)
        await a.infra.storage().jobs.add(job, station.points.charge_entry(job))
        jobs.append(job)
    runners = [a.use_cases.runner(), b.use_cases.runner()]
    await asyncio.gather(*(r.start() for r in runners))
    try:
        for job in jobs:
            waiter_a = asyncio.ensure_future(notes_a.wait_for(job.id, "succeeded", timeout=15))
            waiter_b = asyncio.ensure_future(notes_b.wait_for(job.id, "succeeded", timeout=15))
            done, pending = await asyncio.wait({waiter_a, waiter_b}, return_when=asyncio.FIRST_COMPLETED)
            for task in pending:
                task.cancel()
        await asyncio.sleep(0.3)
        submitted = [prompt_id for prompt_id, _, _ in engine.submitted]
        assert sorted(submitted) == sorted(j.id for j in jobs)
        for job in jobs:
            assert (notes_a.kinds(job.id) + notes_b.kinds(job.id)).count("succeeded") == 1
        assert await a.infra.storage().ledger.verify() == []
        assert await station.points.balance(user.id) == 1000 - sum(j.price for j in jobs)
    finally:
        for runner in runners:
            await runner.stop()
        await a.infra.storage().close()
        await b.infra.storage().close()


async def test_a_restarted_instance_takes_its_own_jobs_back_at_once(tmp_path):
    engine = FakeEngine()
    first, _ = await tracker(tmp_path, "solo", engine)
    station = first.use_cases.station()
    user = await station.accounts.user_for("web:bob")
    await station.points.grant(user.id, 100)
    engine.healthy = False
    await first.use_cases.runner().check_health()
    job = await station.make_image.submit(user.id, "txt2img", {"prompt": "fox"}, {})
    await first.infra.storage().close()
    engine.healthy = True
    second, notes = await tracker(tmp_path, "solo", engine)
    runner = second.use_cases.runner()
    await runner.start()
    try:
        await notes.wait_for(job.id, "succeeded", timeout=10)
    finally:
        await runner.stop()
        await second.infra.storage().close()
