"""The dependency-injector containers that build StationThis from configuration."""
from __future__ import annotations

from typing import Any

from dependency_injector import containers, providers

from adapters.chat.connections import PlatformConnections
from adapters.chat.notifier_router import NotifierRouter
from adapters.chat.webhooks import WebhookRoutes
from adapters.system.clock import SystemClock
from adapters.system.ids import SecretIds
from bootstrap.platforms import Platforms
from bootstrap.web import secret_key
from domain.rate_limits import RateLimiter
from domain.templates import Catalogue
from domain.training import DatasetRules
from domain.workflows.access import Access
from domain.workflows.accounts import Accounts
from domain.workflows.admission import Admission
from domain.workflows.audit import MoneyAudit
from domain.workflows.caption_finisher import CaptionFinisher
from domain.workflows.captioning import Captioning
from domain.workflows.checkout import Checkout
from domain.workflows.collections import Collections
from domain.workflows.credentials import Credentials
from domain.workflows.dataset_review import DatasetReview
from domain.workflows.delivery import Delivery
from domain.workflows.follow_ups import FollowUps
from domain.workflows.following import Following
from domain.workflows.jobs import Jobs
from domain.workflows.lora_delivery import LoraDelivery
from domain.workflows.make_image import MakeImage
from domain.workflows.media_processing import MediaProcessing
from domain.workflows.models import Models
from domain.workflows.monitoring import Monitoring
from domain.workflows.points import Points
from domain.workflows.reconcile import Reconciler
from domain.workflows.runner import JobRunner
from domain.workflows.settings import Settings
from domain.workflows.sharing import Sharing
from domain.workflows.station import Station
from domain.workflows.train_model import TrainModel
from domain.workflows.training_finisher import TrainingFinisher
from domain.workflows.worker_info import Workers
from domain.workflows.workers import RunnerConfig, WorkerPool


def _sqlite_storage(path):
    from adapters.storage.sqlite.storage import SqliteStorage

    return SqliteStorage(str(path))


def _mongo_storage(url):
    from adapters.storage.mongo.storage import MongoStorage

    return MongoStorage(url)


def _filesystem_blobs(root):
    from adapters.blobs.filesystem import FilesystemBlobStore

    return FilesystemBlobStore(str(root))


def _gridfs_blobs(url):
    from adapters.blobs.gridfs import GridFSBlobStore

    return GridFSBlobStore(url)


def _pillow_media(max_bytes, max_pixels):
    from adapters.media.pillow import PillowMedia

    return PillowMedia(max_bytes=max_bytes, max_pixels=max_pixels)


def _comfyui_engines(urls, timeout, secret):
    from adapters.comfyui.engine import ComfyUIEngine

    return [ComfyUIEngine(url, timeout=timeout, secret=secret) for url in urls]


def _templates(dirs):
    from adapters.templates.folder import load_templates

    return Catalogue(load_templates(*dirs))


class Infrastructure(containers.DeclarativeContainer):
    """Driven adapters: storage, blobs, media, engines, time, ids, notifications."""

    config: providers.Dependency[Any] = providers.Dependency()
    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(SecretIds)
    storage = providers.Selector(
        config.provided.storage_kind,
        sqlite=providers.Singleton(_sqlite_storage, config.provided.sqlite_path),
        mongodb=providers.Singleton(_mongo_storage, config.provided.storage_url),
    )
    blobs = providers.Selector(
        config.provided.storage_kind,
        sqlite=providers.Singleton(_filesystem_blobs, config.provided.blob_dir),
        mongodb=providers.Singleton(_gridfs_blobs, config.provided.storage_url),
    )
    media = providers.Singleton(_pillow_media, config.provided.max_upload_bytes, config.provided.max_pixels)
    engines = providers.Singleton(_comfyui_engines, config.provided.comfyui_urls, config.provided.comfyui_timeout,
                                  config.provided.comfyui_secret)
    catalogue = providers.Singleton(_templates, config.provided.templates_dirs)
    notifier = providers.Singleton(NotifierRouter)
    connections = providers.Singleton(PlatformConnections)  # each started bot adds how to tell it is connected
    webhooks = providers.Singleton(WebhookRoutes)  # the web serves them; chat platforms add theirs


class UseCases(containers.DeclarativeContainer):
    """The domain's workflows, wired to the infrastructure."""

    config: providers.Dependency[Any] = providers.Dependency()
    infra = providers.DependenciesContainer()
    points = providers.Singleton(Points, infra.storage, infra.clock, infra.ids)
    sharing = providers.Singleton(Sharing, infra.storage)
    collections = providers.Singleton(Collections, infra.storage, sharing, infra.clock, infra.ids)
    runner_config = providers.Singleton(RunnerConfig, slots_per_worker=config.provided.slots_per_worker,
                                        progress_interval=config.provided.progress_interval,
                                        instance=config.provided.instance,
                                        queue_timeout=config.provided.queue_timeout,
                                        refuse_without_worker=config.provided.refuse_without_worker,
                                        max_jobs_per_user=config.provided.max_jobs_per_user)
    pool = providers.Singleton(WorkerPool, infra.engines, runner_config)
    lora_delivery = providers.Singleton(LoraDelivery, infra.storage, infra.blobs)
    finishers = providers.Dict(
        training=providers.Singleton(TrainingFinisher, infra.storage, infra.blobs, infra.catalogue, collections,
                                     infra.clock, lora_delivery, pool.provided.healthy_engines),
        caption=providers.Singleton(CaptionFinisher, infra.storage, infra.blobs, infra.notifier),
    )
    delivery = providers.Singleton(Delivery, infra.storage, infra.blobs, infra.notifier, infra.catalogue,
                                   points, infra.clock, finishers, infra.media, config.provided.keep_result_metadata)
    admission = providers.Singleton(Admission, infra.storage, points, infra.clock, runner_config)
    following = providers.Singleton(Following, infra.storage, infra.clock, delivery, infra.catalogue, pool,
                                    runner_config)
    reconciler = providers.Singleton(Reconciler, infra.storage, infra.clock, delivery, admission, pool)
    runner = providers.Singleton(JobRunner, infra.storage, infra.blobs, infra.catalogue, infra.clock, delivery,
                                 admission, pool, following, reconciler, runner_config, lora_delivery)
    audit = providers.Singleton(MoneyAudit, infra.storage, infra.blobs, delivery, admission)
    limiter = providers.Singleton(RateLimiter, infra.clock)
    accounts = providers.Singleton(Accounts, infra.storage, infra.clock, infra.ids, limiter)
    credentials = providers.Singleton(Credentials, infra.storage, infra.clock, infra.ids, limiter,
                                      providers.Callable(secret_key, config), config.provided.token_days)
    make_image = providers.Singleton(MakeImage, infra.storage, infra.blobs, infra.media, infra.catalogue, points,
                                     admission, runner, infra.clock, infra.ids)
    jobs = providers.Singleton(Jobs, infra.storage, make_image, runner)
    media = providers.Singleton(MediaProcessing, infra.blobs, infra.media, infra.ids)
    dataset_rules = providers.Singleton(DatasetRules)
    review = providers.Singleton(DatasetReview, infra.storage, infra.blobs, infra.media, infra.catalogue,
                                 dataset_rules)
    training = providers.Singleton(TrainModel, infra.storage, infra.blobs, infra.media, infra.catalogue, make_image,
                                   jobs, infra.clock, infra.ids, dataset_rules, review)
    captioning = providers.Singleton(Captioning, infra.catalogue, training, make_image, points, infra.ids)
    models = providers.Singleton(Models, infra.storage, sharing, infra.clock)
    settings = providers.Singleton(Settings, infra.storage, infra.catalogue)
    follow_ups = providers.Singleton(FollowUps, infra.catalogue, make_image, infra.blobs)
    checkout = providers.Singleton(Checkout, infra.storage, make_image, follow_ups, settings, infra.clock)
    workers = providers.Singleton(Workers, runner, infra.clock)
    access = providers.Singleton(Access, infra.storage, infra.blobs, collections, models)
    monitoring = providers.Singleton(Monitoring, infra.storage, workers, infra.connections)
    station = providers.Singleton(Station, infra.catalogue, accounts, points, make_image, media, training,
                                  collections, models, settings, jobs, follow_ups, checkout, workers, access,
                                  monitoring, credentials, captioning)


class Application(containers.DeclarativeContainer):
    """Everything, from one Config."""

    config: providers.Dependency[Any] = providers.Dependency()
    infra = providers.Container(Infrastructure, config=config)
    use_cases = providers.Container(UseCases, config=config, infra=infra)
    platforms = providers.Container(Platforms, config=config, infra=infra, use_cases=use_cases)


def build_container(config, **overrides) -> Application:
    """The whole application; `overrides` replace infrastructure providers by name (tests use fakes at ports)."""
    container = Application(config=config)
    for name, value in overrides.items():
        getattr(container.infra, name).override(providers.Object(value))
    return container
