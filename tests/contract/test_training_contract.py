"""The training contract: datasets, training runs and models round-trip, and models are seen by the right users."""
from __future__ import annotations

from dataclasses import replace

from domain.training import DatasetImage, RunState
from tests.contract.records import dataset, defaults_left, model, run


async def test_a_dataset_round_trips_with_every_field(storage):
    cats = dataset()
    assert defaults_left(cats) == []
    await storage.datasets.add(cats)
    assert await storage.datasets.get(cats.id) == cats
    assert await storage.datasets.by_name("alice", "my_cat") == cats


async def test_a_dataset_is_found_by_name_only_for_its_owner(storage):
    await storage.datasets.add(dataset())
    assert await storage.datasets.by_name("bob", "my_cat") is None
    assert await storage.datasets.by_name("alice", "my_dog") is None
    assert await storage.datasets.get("no-such-dataset") is None


async def test_a_saved_dataset_keeps_its_changes(storage):
    cats = dataset()
    await storage.datasets.add(cats)
    changed = replace(cats, trigger="tabby", images=cats.images + (DatasetImage("blobs/3.png", "asleep", 640, 480),))
    await storage.datasets.save(changed)
    assert await storage.datasets.get(cats.id) == changed


async def test_a_deleted_dataset_is_gone(storage):
    cats = dataset()
    await storage.datasets.add(cats)
    await storage.datasets.delete(cats.id)
    assert await storage.datasets.get(cats.id) is None
    assert await storage.datasets.of_user("alice") == []


async def test_datasets_of_a_user_are_listed_newest_first(storage):
    mine = [dataset(name=f"set{n}", created_at=1000.0 + n) for n in range(3)]
    for each in mine + [dataset(owner="bob", created_at=2000.0)]:
        await storage.datasets.add(each)
    assert await storage.datasets.of_user("alice") == mine[::-1]


async def test_a_training_run_round_trips_with_every_field_and_is_found_by_its_job(storage):
    training = run(model_id="model7")
    assert defaults_left(training) == []
    await storage.runs.add(training)
    assert await storage.runs.get(training.id) == training
    assert await storage.runs.by_job(training.job_id) == training
    assert await storage.runs.by_job("no-such-job") is None


async def test_a_saved_training_run_keeps_its_new_state(storage):
    training = run()
    await storage.runs.add(training)
    done = training.to(RunState.COMPLETED, model_id="model7", error=None)
    await storage.runs.save(done)
    assert await storage.runs.get(training.id) == done


async def test_training_runs_of_a_user_are_listed_newest_first(storage):
    mine = [run(created_at=1000.0 + n) for n in range(3)]
    for each in mine + [run(owner="bob", created_at=2000.0)]:
        await storage.runs.add(each)
    assert await storage.runs.of_user("alice") == mine[::-1]


async def test_a_model_round_trips_with_every_field(storage):
    lora = model(visibility="shared", shared_with={"bob": "view"})
    assert defaults_left(lora) == []
    await storage.models.add(lora)
    assert await storage.models.get(lora.id) == lora
    assert await storage.models.by_name("cat_lora") == [lora]


async def test_models_are_visible_to_their_owner_to_those_shared_with_and_when_public(storage):
    own = model(created_at=1000.0)
    shared = model(owner="bob", name="bob_lora", visibility="shared", shared_with={"alice": "view"}, created_at=1001.0)
    public = model(owner="carol", name="carol_lora", visibility="public", created_at=1002.0)
    hidden = model(owner="dave", name="dave_lora", visibility="shared", shared_with={"erin": "view"},
                   created_at=1003.0)
    for each in (own, shared, public, hidden):
        await storage.models.add(each)
    assert await storage.models.visible_to("alice") == [public, shared, own]
    assert await storage.models.visible_to("erin") == [hidden, public]


async def test_a_saved_model_is_visible_to_exactly_its_new_audience(storage):
    lora = model(owner="bob", visibility="shared", shared_with={"alice": "view"})
    await storage.models.add(lora)
    moved = replace(lora, shared_with={"carol": "view"})
    await storage.models.save(moved)
    assert await storage.models.visible_to("alice") == []
    assert await storage.models.visible_to("carol") == [moved]
    assert await storage.models.get(lora.id) == moved


async def test_models_by_name_lists_every_owner_s_model_of_that_name(storage):
    mine, theirs = model(created_at=1000.0), model(owner="bob", created_at=1001.0)
    for each in (mine, theirs, model(name="other")):
        await storage.models.add(each)
    assert sorted(m.id for m in await storage.models.by_name("cat_lora")) == sorted([mine.id, theirs.id])
