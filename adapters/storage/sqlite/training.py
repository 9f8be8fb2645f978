"""SqliteDatasetRepository, SqliteTrainingRunRepository, SqliteModelRepository: training's records."""
from __future__ import annotations

from adapters.storage.sqlite.database import SqliteDatabase
from adapters.storage.sqlite.documents import DocumentTable
from domain.training import Dataset, Model, TrainingRun

DATASETS = DocumentTable("datasets", Dataset, lambda dataset: {
    "owner": dataset.owner, "name": dataset.name, "created_at": dataset.created_at})
RUNS = DocumentTable("training_runs", TrainingRun, lambda run: {
    "owner": run.owner, "job_id": run.job_id, "created_at": run.created_at})
MODELS = DocumentTable("models", Model, lambda model: {
    "owner": model.owner, "name": model.name, "visibility": model.visibility, "created_at": model.created_at},
    shares="model_shares")


class SqliteDatasetRepository:
    def __init__(self, db: SqliteDatabase):
        self._db = db

    async def add(self, dataset: Dataset) -> None:
        await self._db.write(DATASETS.insert, dataset)

    async def get(self, dataset_id: str) -> Dataset | None:
        return await self._db.run(DATASETS.get, dataset_id)

    async def by_name(self, owner: str, name: str) -> Dataset | None:
        found = await self._db.run(DATASETS.select, "owner = ? AND name = ?", (owner, name), limit=1)
        return found[0] if found else None

    async def save(self, dataset: Dataset) -> None:
        await self._db.write(DATASETS.update, dataset)

    async def delete(self, dataset_id: str) -> None:
        await self._db.write(DATASETS.delete, dataset_id)

    async def of_user(self, owner: str) -> list[Dataset]:
        return await self._db.run(DATASETS.select, "owner = ?", (owner,))


class SqliteTrainingRunRepository:
    def __init__(self, db: SqliteDatabase):
        self._db = db

    async def add(self, run: TrainingRun) -> None:
        await self._db.write(RUNS.insert, run)

    async def get(self, run_id: str) -> TrainingRun | None:
        return await self._db.run(RUNS.get, run_id)

    async def by_job(self, job_id: str) -> TrainingRun | None:
        found = await self._db.run(RUNS.select, "job_id = ?", (job_id,), limit=1)
        return found[0] if found else None

    async def save(self, run: TrainingRun) -> None:
        await self._db.write(RUNS.update, run)

    async def of_user(self, owner: str) -> list[TrainingRun]:
        return await self._db.run(RUNS.select, "owner = ?", (owner,))


class SqliteModelRepository:
    def __init__(self, db: SqliteDatabase):
        self._db = db

    async def add(self, model: Model) -> None:
        await self._db.write(MODELS.insert, model)

    async def get(self, model_id: str) -> Model | None:
        return await self._db.run(MODELS.get, model_id)

    async def save(self, model: Model) -> None:
        await self._db.write(MODELS.update, model)

    async def by_name(self, name: str) -> list[Model]:
        return await self._db.run(MODELS.select, "name = ?", (name,))

    async def visible_to(self, user_id: str) -> list[Model]:
        return await self._db.read(
            MODELS.select, "owner = ? OR visibility = 'public' OR id IN "
            "(SELECT doc_id FROM model_shares WHERE user_id = ?)", (user_id, user_id))
