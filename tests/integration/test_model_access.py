"""Who may use a trained LoRA: its owner and those it is shared with, by name or file name; operators' LoRAs everyone."""
from __future__ import annotations

import pytest

from domain.errors import InvalidParameter
from domain.training import Model
from domain.workflows.requests import offered_to_everyone

ORIGIN = {"platform": "test"}
TRAINED = "st_0123abcd_200_steps_00001_.safetensors"


async def alices_model(harness) -> tuple:
    alice, bob = await harness.user("telegram:1", 50), await harness.user("telegram:2", 50)
    await harness.storage.models.add(Model(id="m1", owner=alice.id, name="mycat", blob="results/0123abcd/0.safetensors",
                                           filename=TRAINED, trigger="mycat", created_at=0.0))
    harness.engines[0].loras.extend([TRAINED, "style.safetensors"])  # the worker lists both files
    return alice, bob


async def lora_of(harness, user, name: str) -> str:
    quote = await harness.station.make_image.quote(user.id, "txt2img", {"prompt": "a cat", "lora": name})
    return quote.values["lora"]


async def test_the_owner_uses_a_trained_lora_by_its_name_or_its_file_name(harness):
    alice, _ = await alices_model(harness)
    assert await lora_of(harness, alice, "mycat") == TRAINED
    assert await lora_of(harness, alice, TRAINED) == TRAINED


@pytest.mark.parametrize("name", ["mycat", TRAINED])
async def test_someone_else_cannot_use_a_private_lora_even_by_the_file_name_a_worker_lists(harness, name):
    _, bob = await alices_model(harness)
    with pytest.raises(InvalidParameter, match="no model named"):
        await lora_of(harness, bob, name)
    assert await harness.station.points.balance(bob.id) == 50


async def test_a_lora_shared_with_someone_is_theirs_to_use_until_unshared(harness):
    alice, bob = await alices_model(harness)
    await harness.station.models.share(alice.id, "mycat", bob.id)
    assert await lora_of(harness, bob, "mycat") == TRAINED
    await harness.station.models.unshare(alice.id, "mycat", bob.id)
    with pytest.raises(InvalidParameter):
        await lora_of(harness, bob, TRAINED)


async def test_an_operators_lora_on_the_workers_is_usable_by_everyone(harness):
    _, bob = await alices_model(harness)
    assert await lora_of(harness, bob, "style.safetensors") == "style.safetensors"


def test_station_trained_files_are_never_offered_from_a_workers_list():
    assert offered_to_everyone([TRAINED, "style.safetensors", "st_notes.safetensors"]) == \
        ["style.safetensors", "st_notes.safetensors"]
