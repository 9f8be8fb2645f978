"""The station: every use case in one bundle, which is all a driving adapter is given."""
from __future__ import annotations

from dataclasses import dataclass

from domain.templates import Catalogue
from domain.workflows.accounts import Accounts
from domain.workflows.collections import Collections
from domain.workflows.make_image import MakeImage
from domain.workflows.media_processing import MediaProcessing
from domain.workflows.models import Models
from domain.workflows.points import Points
from domain.workflows.runner import JobRunner
from domain.workflows.settings import Settings
from domain.workflows.train_model import TrainModel


@dataclass(frozen=True)
class Station:
    catalogue: Catalogue
    accounts: Accounts
    points: Points
    make_image: MakeImage
    media: MediaProcessing
    training: TrainModel
    collections: Collections
    models: Models
    settings: Settings
    runner: JobRunner
