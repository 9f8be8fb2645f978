"""Results kept the moment their node saves them (ComfyUI's `executed`), before the prompt ends: fetched once,
delivered as usual, and removed again when the job does not succeed with them."""
from dataclasses import dataclass

from domain.jobs import JobState
from domain.reply import ReplyTo
from ports.engine import EngineEvent, EventKind, OutputFile

ORIGIN = ReplyTo("test")


async def _results_of(harness, job_id: str) -> list[str]:
    return [key for key in await harness.container.infra.blobs().keys() if key.startswith(f"results/{job_id}/")]


async def test_a_result_saved_before_the_prompt_ends_is_fetched_once_and_delivered(harness):
    engine = harness.engines[0]
    engine.saves_early = True
    user = await harness.user(points=100)
    job = await harness.station.make_image.submit(user.id, "txt2img", {"prompt": "a red fox"}, ORIGIN)
    done = await harness.notifier.wait_for(job.id, "succeeded")
    stored = await harness.storage.jobs.get(job.id)
    assert stored.state is JobState.SUCCEEDED and stored.outputs == done.job.outputs == (f"results/{job.id}/0.png",)
    assert engine.timeline == [("fetched", engine._output(job.id).filename), ("ended", job.id)]
    assert await _results_of(harness, job.id) == list(stored.outputs)
    assert (await harness.container.infra.blobs().get(stored.outputs[0])).startswith(b"\x89PNG")


async def test_a_job_that_fails_after_saving_a_result_is_refunded_once_and_keeps_no_file(harness):
    engine = harness.engines[0]
    engine.saves_early = True
    engine.fail_next("VAEDecode failed: out of memory")
    user = await harness.user(points=100)
    job = await harness.station.make_image.submit(user.id, "txt2img", {"prompt": "a red fox"}, ORIGIN)
    await harness.notifier.wait_for(job.id, "failed")
    assert engine.timeline[0] == ("fetched", engine._output(job.id).filename)
    assert await _results_of(harness, job.id) == []
    assert await harness.station.points.balance(user.id) == 100
    await harness.assert_ledger_consistent()


@dataclass
class EngineThatSavesAnotherFileFirst:
    """Tells of one file while running; its history then names a different one."""

    engine: object

    def __getattr__(self, name):
        return getattr(self.engine, name)

    async def follow(self, prompt_id: str):
        async for event in self.engine.follow(prompt_id):
            if event.final:
                yield EngineEvent(EventKind.OUTPUT, outputs=(OutputFile(node="9", filename="draft_00001_.png"),))
            yield event


async def test_a_file_saved_early_that_the_history_does_not_name_is_removed(harness):
    engine = harness.engines[0]
    harness.container.use_cases.runner().pool.workers[0].engine = EngineThatSavesAnotherFileFirst(engine)
    user = await harness.user(points=100)
    job = await harness.station.make_image.submit(user.id, "txt2img", {"prompt": "a red fox"}, ORIGIN)
    done = await harness.notifier.wait_for(job.id, "succeeded")
    assert sorted(engine.timeline) == sorted([("ended", job.id), ("fetched", "draft_00001_.png"),
                                              ("fetched", engine._output(job.id).filename)])
    assert await _results_of(harness, job.id) == list(done.job.outputs) == [f"results/{job.id}/1.png"]
