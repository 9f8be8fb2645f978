"""MongoDatasetRepository, MongoTrainingRunRepository, MongoModelRepository: training state that outlives a restart."""
from __future__ import annotations

from adapters.storage.mongo import codec
from adapters.storage.mongo.connection import MongoConnection
from adapters.storage.mongo.documents import Documents
from domain.training import Dataset, Model, TrainingRun


class MongoDatasetRepository:
    def __init__(self, db: MongoConnection):
        self.docs = Documents(db, "datasets", codec.to_doc, codec.dataset)

    async def add(self, dataset: Dataset) -> None:
        await self.docs.add(dataset)

    async def get(self, dataset_id: str) -> Dataset | None:
        return await self.docs.one({"_id": dataset_id})

    async def by_name(self, owner: str, name: str) -> Dataset | None:
        return await self.docs.one({"owner": owner, "name": name})

    async def save(self, dataset: Dataset) -> None:
        await self.docs.save(dataset)

    async def delete(self, dataset_id: str) -> None:
        await self.docs.delete(dataset_id)

    async def of_user(self, owner: str) -> list[Dataset]:
        return await self.docs.many({"owner": owner})


class MongoTrainingRunRepository:
    def __init__(self, db: MongoConnection):
        self.docs = Documents(db, "runs", codec.to_doc, codec.run)

    async def add(self, run: TrainingRun) -> None:
        await self.docs.add(run)

    async def get(self, run_id: str) -> TrainingRun | None:
        return await self.docs.one({"_id": run_id})

    async def by_job(self, job_id: str) -> TrainingRun | None:
        return await self.docs.one({"job_id": job_id})

    async def save(self, run: TrainingRun) -> None:
        await self.docs.save(run)

    async def of_user(self, owner: str) -> list[TrainingRun]:
        return await self.docs.many({"owner": owner})


class MongoModelRepository:
    def __init__(self, db: MongoConnection):
        self.docs = Documents(db, "models", codec.shared_doc, codec.model)

    async def add(self, model: Model) -> None:
        await self.docs.add(model)

    async def get(self, model_id: str) -> Model | None:
        return await self.docs.one({"_id": model_id})

    async def save(self, model: Model) -> None:
        await self.docs.save(model)

    async def by_name(self, name: str) -> list[Model]:
        return await self.docs.many({"name": name})

    async def visible_to(self, user_id: str) -> list[Model]:
        return await self.docs.many({"$or": [{"owner": user_id}, {"shared_with.user": user_id},
                                             {"visibility": "public"}]})
