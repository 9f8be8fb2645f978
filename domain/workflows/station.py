"""The station: every use case in one bundle, the whole driving port (faces get nothing else)."""
from __future__ import annotations

from dataclasses import dataclass

from domain.templates import Catalogue
from domain.workflows.access import Access
from domain.workflows.accounts import Accounts
from domain.workflows.captioning import Captioning
from domain.workflows.checkout import Checkout
from domain.workflows.collections import Collections
from domain.workflows.credentials import Credentials
from domain.workflows.follow_ups import FollowUps
from domain.workflows.jobs import Jobs
from domain.workflows.make_image import MakeImage
from domain.workflows.media_processing import MediaProcessing
from domain.workflows.models import Models
from domain.workflows.monitoring import Monitoring
from domain.workflows.points import Points
from domain.workflows.settings import Settings
from domain.workflows.train_model import TrainModel
from domain.workflows.worker_info import Workers


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
    jobs: Jobs
    follow_ups: FollowUps
    checkout: Checkout
    workers: Workers
    access: Access
    monitoring: Monitoring
    credentials: Credentials
    captioning: Captioning
