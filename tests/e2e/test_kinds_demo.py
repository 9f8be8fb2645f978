"""Every output kind on the built-in demo worker: animate's animated WEBP, describe's and assist's words, a picture
made from them, and a dataset captioned, all without a model."""
from __future__ import annotations

import io

from PIL import Image

from tests.bounded import bounded
from tests.e2e.test_demo_station import ORIGIN, demo  # noqa: F401 (the fixture)
from tests.fakes import patterned_png, png


@bounded(60)
async def test_the_demo_worker_animates_describes_and_improves_a_prompt_that_then_makes_a_picture(demo):  # noqa: F811
    user = await demo.station.accounts.user_for("telegram:5")
    await demo.station.points.grant(user.id, 100)
    picture = await demo.station.media.store_input(user.id, patterned_png(64, 64, (30, 160, 60)))
    animated = await demo.make(user, "animate", {"image": picture})
    with Image.open(io.BytesIO(await demo.container.infra.blobs().get(animated.outputs[0]))) as animation:
        assert animation.n_frames == 4
    described = await demo.make(user, "describe", {"image": picture})
    assert "picture in green" in await demo.station.access.result_text(described)
    improved = await demo.make(user, "assist", {"prompt": "a fox"})
    assert (await demo.station.access.result_text(improved)).startswith("a fox, ")
    made = await demo.station.checkout.follow_up(user.id, improved.id, "make", ORIGIN, "press:1")
    assert (await demo.finished(made.id)).tool == "txt2img"


@bounded(60)
async def test_the_demo_worker_captions_a_whole_dataset_with_the_trigger_in_front(demo):  # noqa: F811
    user = await demo.station.accounts.user_for("telegram:6")
    await demo.station.points.grant(user.id, 100)
    training = demo.station.training
    await training.create(user.id, "pets")
    for n in range(4):
        await training.add_image(user.id, "pets", png(96, 96, (40 + n * 50, 90, 200 - n * 40)))
    await training.trigger(user.id, "pets", "zorb")
    quote = await demo.station.captioning.quote(user.id, "pets")
    await demo.station.captioning.start(user.id, quote, ORIGIN)
    await demo.notifier.wait_for_text("Captions for 'pets': 4 of 4", timeout=30)
    captions = [i.caption for i in (await training.dataset(user.id, "pets")).images]
    assert all(c.startswith("zorb, a ") for c in captions)
