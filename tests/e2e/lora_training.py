"""A LoRA trained through the station on a small dataset, for the tests that then use it."""
from __future__ import annotations

import asyncio
from dataclasses import replace

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


async def trained_model(app, user, name: str, timeout: float = 30):
    """On a running StationApp: a LoRA trained from a four-picture dataset NAME (trigger NAMEzorb); its model."""
    station = app.container.use_cases.station()
    await station.training.create(user.id, name)
    for n in range(4):
        await station.training.add_image(user.id, name, png(64, 64, (n * 60, 90, 30)), caption=f"a {name} {n}")
    await station.training.trigger(user.id, name, f"{name}zorb")
    run = await station.training.confirm(user.id, (await station.training.draft(user.id, name, {"steps": 10})).id,
                                         ORIGIN)
    for _ in range(int(timeout * 20)):
        run = next(r for r, _ in await station.training.runs(user.id) if r.id == run.id)
        if run.model_id:
            return next(m for m in await station.models.visible(user.id) if m.id == run.model_id)
        await asyncio.sleep(0.05)
    raise AssertionError(f"the training of {name} made no model in {timeout} s")


async def model_without_curve(app, user, like, name: str):
    """A model as one trained before curves were kept (or by a template that draws none), stored for `user`."""
    model = replace(like, id=f"{name}-model", owner=user.id, name=name, filename=f"{name}.safetensors", curve="",
                    created_at=like.created_at - 1, job_id=None)
    await app.container.infra.storage().models.add(model)
    return model
