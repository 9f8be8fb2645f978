"""A LoRA trained through the station on a small dataset, for the tests that then use it."""
from __future__ import annotations

from tests.fakes import png

ORIGIN = {"platform": "test"}


async def train_lora(app, user, raw: dict, timeout: float = 30):
    """Dataset 'pet' of four 64-pixel pictures with trigger 'petzorb', trained with `raw`; (run, model)."""
    training = app.station.training
    await training.create(user.id, "pet")
    for n in range(4):
        await training.add_image(user.id, "pet", png(64, 64, (n * 60, 90, 30)), caption=f"a pet {n}")
    await training.trigger(user.id, "pet", "petzorb")
    run = await training.confirm(user.id, (await training.draft(user.id, "pet", raw)).id, ORIGIN)
    await app.notifier.wait_for(run.job_id, "succeeded", timeout=timeout)
    return run, (await app.station.models.visible(user.id))[0]
