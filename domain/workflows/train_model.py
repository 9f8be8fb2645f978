"""Train model: datasets built a little at a time, a quote, a charged run, and the model it makes."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.blobs import BlobKey
from domain.errors import Conflict, DomainError, NotFound, named
from domain.jobs import Job, JobKind
from domain.numbers import whole_number
from domain.reply import ReplyTo
from domain.templates import Catalogue
from domain.training import Dataset, DatasetImage, DatasetRules, Model, RunState, TrainingRun, check_dataset_name
from domain.workflows.dataset_review import DatasetReview
from domain.workflows.jobs import Jobs
from domain.workflows.make_image import MakeImage, Quote
from ports.blobs import BlobStore
from ports.clock import Clock, Ids
from ports.media import MediaProcessor
from ports.storage import Storage

ACTIVE_DATASET = "training.active_dataset"


class TrainModel:
    def __init__(self, storage: Storage, blobs: BlobStore, media: MediaProcessor, catalogue: Catalogue,
                 make_image: MakeImage, jobs: Jobs, clock: Clock, ids: Ids, rules: DatasetRules,
                 review: DatasetReview):
        self.storage, self.blobs, self.media, self.catalogue = storage, blobs, media, catalogue
        self.make_image, self.jobs, self.clock, self.ids, self.rules = make_image, jobs, clock, ids, rules
        self.review = review

    # -- datasets --------------------------------------------------------------
    async def create(self, owner: str, name: str) -> Dataset:
        name = check_dataset_name(name)
        if await self.storage.datasets.by_name(owner, name):
            raise Conflict(f"You already have a dataset named '{name}'.")
        dataset = Dataset(id=self.ids.new_id(), owner=owner, name=name, created_at=self.clock.now())
        await self.storage.datasets.add(dataset)
        return dataset

    async def dataset(self, owner: str, name_or_id: str) -> Dataset:
        found = await self.storage.datasets.by_name(owner, name_or_id) or await self.storage.datasets.get(name_or_id)
        if found is None or found.owner != owner:
            raise NotFound(f"You have no dataset {named(name_or_id)}. Create one with: /train create NAME")
        return found

    async def active_dataset(self, owner: str) -> str | None:
        """The dataset photos sent without a command go to."""
        return (await self.storage.settings.get(owner)).get(ACTIVE_DATASET)

    async def activate(self, owner: str, name: str) -> None:
        dataset = await self.dataset(owner, name)
        await self.storage.settings.put(owner, {**await self.storage.settings.get(owner), ACTIVE_DATASET: dataset.name})

    async def datasets(self, owner: str) -> list[Dataset]:
        return await self.storage.datasets.of_user(owner)

    async def add_image(self, owner: str, name: str, data: bytes, caption: str = "") -> Dataset:
        """Check and clean the image (raises MediaRejected), store it, add it with its caption."""
        dataset = await self.dataset(owner, name)
        clean = self.media.clean(data)
        key = BlobKey.dataset_image(dataset.id, self.ids.new_id(), clean.extension)
        image = DatasetImage(blob=str(key), caption=caption.strip(), width=clean.info.width, height=clean.info.height,
                             fingerprint=await self.review.fingerprint(clean.data))
        updated = dataset.add(image, self.rules)
        await self.blobs.put(str(key), clean.data, key.content_type)
        await self.storage.datasets.save(updated)
        return updated

    async def remove_image(self, owner: str, name: str, image_number: object) -> Dataset:
        index = whole_number(image_number, "number")
        dataset = await self.dataset(owner, name)
        updated = dataset.remove(index)
        await self.storage.datasets.save(updated)
        await self.blobs.delete(dataset.images[index - 1].blob)
        return updated

    async def caption(self, owner: str, name: str, image_number: object, text: str) -> Dataset:
        index = whole_number(image_number, "number")
        return await self._change(owner, name, lambda d: d.caption(index, text))

    async def trigger(self, owner: str, name: str, word: str) -> Dataset:
        return await self._change(owner, name, lambda d: d.with_trigger(word))

    async def prefix(self, owner: str, name: str, prefix: str) -> Dataset:
        """The text written before captions that lack the trigger ("" goes back to "<trigger>, ")."""
        return await self._change(owner, name, lambda d: d.with_prefix(prefix))

    async def write_trigger(self, owner: str, name: str) -> Dataset:
        return await self._change(owner, name, lambda d: d.write_trigger())

    async def remove_images(self, owner: str, name: str, numbers: tuple[int, ...]) -> Dataset:
        return await self.review.remove(await self.dataset(owner, name), numbers)

    async def delete(self, owner: str, name: str) -> None:
        dataset = await self.dataset(owner, name)
        await self.storage.datasets.delete(dataset.id)
        for image in dataset.images:
            await self.blobs.delete(image.blob)

    async def contact_sheet(self, owner: str, name: str) -> bytes:
        dataset = await self.dataset(owner, name)
        images = [await self.blobs.get(i.blob) for i in dataset.images]
        labels = [f"{n}. {i.caption or '(no caption)'}" for n, i in enumerate(dataset.images, start=1)]
        return self.media.contact_sheet(images, labels)

    async def _change(self, owner: str, name: str, change: Callable[[Dataset], Dataset]) -> Dataset:
        updated = change(await self.dataset(owner, name))
        await self.storage.datasets.save(updated)
        return updated

    # -- training runs ---------------------------------------------------------
    def template_name(self, tool: str | None = None) -> str:
        templates = self.catalogue.templates("training")
        if tool:
            return self.catalogue.get(tool).name
        if not templates:
            raise DomainError("This station has no training template.")
        return templates[0].name

    async def quote(self, owner: str, name: str, raw: dict[str, Any] | None = None, tool: str | None = None) -> Quote:
        dataset = await self.dataset(owner, name)
        template = self.catalogue.get(self.template_name(tool))
        await self.review.require_ready(dataset, template.name)
        dataset_param = next(p.name for p in template.spec.params if p.type == "dataset")
        values = template.spec.validate({**(raw or {}), dataset_param: dataset.id})
        values["model_name"] = dataset.name
        for spec in template.spec.params:
            if spec.type == "seed" and values.get(spec.name) is None:
                values[spec.name] = self.ids.seed()
        return Quote(tool=template.name, values=values, price=template.spec.price.quote(values),
                     balance=await self.storage.ledger.balance(owner))

    async def draft(self, owner: str, name: str, raw: dict[str, Any] | None = None,
                    tool: str | None = None) -> TrainingRun:
        """A quoted, unpaid run the owner confirms (or discards) later; the charge will equal this price."""
        quote = await self.quote(owner, name, raw, tool)
        dataset = await self.dataset(owner, name)
        run = TrainingRun(id=self.ids.new_id(), owner=owner, dataset_id=dataset.id, model_name=dataset.name,
                          price=quote.price, state=RunState.DRAFT, created_at=self.clock.now(),
                          params=quote.values, tool=quote.tool)
        await self.storage.runs.add(run)
        return run

    async def confirm(self, owner: str, run_id: str, origin: ReplyTo) -> TrainingRun:
        """Charge exactly the drafted price and queue the training; confirming twice changes nothing."""
        run = await self._own_run(owner, run_id)
        if run.state is not RunState.DRAFT:
            return run
        await self.review.require_ready(await self.storage.datasets.get(run.dataset_id), run.tool)
        quote = Quote(tool=run.tool, values=run.params, price=run.price,
                      balance=await self.storage.ledger.balance(owner))
        job = await self.make_image.submit_quote(owner, quote, origin,
                                                 request_key=f"train:{run.id}", kind=JobKind.TRAINING)
        run = run.to(RunState.SUBMITTED, job_id=job.id)
        await self.storage.runs.save(run)
        return run

    async def discard(self, owner: str, run_id: str) -> TrainingRun:
        run = await self._own_run(owner, run_id)
        if run.state is RunState.DRAFT:
            run = run.to(RunState.CANCELLED, error="discarded before payment")
            await self.storage.runs.save(run)
        return run

    async def _own_run(self, owner: str, run_id: str) -> TrainingRun:
        run = await self.storage.runs.get(run_id)
        if run is None or run.owner != owner:
            raise NotFound("That training does not exist or is not yours.")
        return run

    async def run(self, owner: str, run_id: str) -> tuple[TrainingRun, Job | None]:
        """The owner's run and its job; another user's run is simply not found."""
        run = await self._own_run(owner, run_id)
        return run, await self.storage.jobs.get(run.job_id) if run.job_id else None

    async def outcome(self, owner: str, run: TrainingRun) -> tuple[Model | None, Dataset | None]:
        """The model a run made and the dataset it learned from, while they exist and are the owner's."""
        model = await self.storage.models.get(run.model_id) if run.model_id else None
        dataset = await self.storage.datasets.get(run.dataset_id)
        return model, dataset if dataset is not None and dataset.owner == owner else None

    async def runs(self, owner: str) -> list[tuple[TrainingRun, Job | None]]:
        return [(run, await self.storage.jobs.get(run.job_id) if run.job_id else None)
                for run in await self.storage.runs.of_user(owner)]

    async def cancel(self, owner: str, run_id: str | None = None) -> TrainingRun:
        runs = [r for r, _ in await self.runs(owner)
                if r.job_id and not r.terminal and (run_id in (None, r.id))]
        if not runs:
            raise NotFound("You have no training in progress.")
        await self.jobs.cancel(owner, runs[0].job_id)
        return runs[0]
