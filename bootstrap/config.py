"""Configuration from the environment (and a .env file), checked once with clear messages."""
from __future__ import annotations

import os
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from bootstrap.config_values import LOG_LEVELS, ConfigError, EnvReader, http_url

_CHECKOUT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# A checkout (or editable install) has them beside the code; `pip install .` puts them under sys.prefix.
SHIPPED_TEMPLATES = _CHECKOUT_TEMPLATES if _CHECKOUT_TEMPLATES.is_dir() else \
    Path(sys.prefix) / "share" / "stationthis" / "templates"


@dataclass(frozen=True)
class Config:
    data_dir: Path
    storage_url: str
    comfyui_urls: tuple[str, ...]
    templates_dirs: tuple[Path, ...]
    telegram_token: str | None = None
    telegram_api_base_url: str | None = None
    telegram_webhook_url: str | None = None
    discord_token: str | None = None
    discord_guild_ids: tuple[int, ...] = ()
    discord_api_base_url: str | None = None
    web_host: str = "127.0.0.1"
    web_port: int = 8080
    web_secret_key: str | None = None
    web_public_url: str | None = None
    token_days: int = 90
    metrics_token: str | None = None
    trusted_proxy_hops: int = 0
    keep_result_metadata: bool = False
    log_level: str = "INFO"
    log_format: str = "text"
    log_prompts: bool = False
    instance: str = "stationthis"
    progress_interval: float = 3.0
    comfyui_timeout: float = 30.0
    comfyui_secret: str = field(default="", repr=False)
    slots_per_worker: int = 2
    queue_timeout: float = 600.0
    refuse_without_worker: bool = False
    max_upload_bytes: int = 20_000_000
    max_jobs_per_user: int = 4
    points_help: str | None = None
    max_pixels: int = 50_000_000
    extra: dict = field(default_factory=dict)
    unknown_settings: tuple[str, ...] = ()
    demo: bool = False  # `run --demo`: the only worker is the built-in demo worker

    @property
    def storage_kind(self) -> str:
        return "mongodb" if self.storage_url.startswith(("mongodb://", "mongodb+srv://")) else "sqlite"

    @property
    def sqlite_path(self) -> Path:
        return Path(self.storage_url.removeprefix("sqlite:///")) if self.storage_kind == "sqlite" else Path()

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"


def load_config(env: dict | None = None, dotenv: bool = True) -> Config:
    if env is None:
        if dotenv:
            from dotenv import load_dotenv

            load_dotenv(os.environ.get("STATIONTHIS_ENV_FILE", ".env"), override=False)
        env = dict(os.environ)
    read = EnvReader(env)
    data_dir = Path(read.text("STATIONTHIS_DATA_DIR", "./var")).resolve()
    storage = read.text("STATIONTHIS_STORAGE", f"sqlite:///{data_dir / 'stationthis.sqlite3'}")
    if not storage.startswith(("sqlite:///", "mongodb://", "mongodb+srv://")) or storage == "sqlite:///":
        raise ConfigError("STATIONTHIS_STORAGE must be sqlite:///path/to/file.sqlite3 or mongodb://host/db.")
    urls = tuple(http_url("COMFYUI_URLS", u.strip().rstrip("/"))
                 for u in read.text("COMFYUI_URLS", "http://127.0.0.1:8188").split(",") if u.strip())
    if not urls:
        raise ConfigError("COMFYUI_URLS must list at least one http(s) URL, e.g. http://127.0.0.1:8188.")
    extra = read.text("STATIONTHIS_TEMPLATES_DIR")
    if extra and not Path(extra).is_dir():
        raise ConfigError(f"STATIONTHIS_TEMPLATES_DIR: '{extra}' is not a folder.")
    return Config(
        data_dir=data_dir, storage_url=storage, comfyui_urls=urls,
        templates_dirs=(SHIPPED_TEMPLATES,) + ((Path(extra).resolve(),) if extra else ()),
        telegram_token=read.token("TELEGRAM_BOT_TOKEN", r"\d+:[A-Za-z0-9_-]+",
                                  "digits, a colon, then letters, digits, '_' and '-', as @BotFather gives it"),
        telegram_api_base_url=read.url("TELEGRAM_API_BASE_URL"),
        telegram_webhook_url=_webhook_url(read.text("TELEGRAM_WEBHOOK_URL")),
        discord_token=read.token("DISCORD_BOT_TOKEN", r"[A-Za-z0-9._-]+",
                                 "letters, digits, '.', '_' and '-', as the Developer Portal gives it"),
        discord_guild_ids=read.ids("DISCORD_GUILD_IDS"), discord_api_base_url=read.url("DISCORD_API_BASE_URL"),
        web_host=read.text("WEB_HOST", "127.0.0.1"), web_port=read.whole("WEB_PORT", 8080, 0, 65535),
        web_secret_key=read.text("WEB_SECRET_KEY"), web_public_url=read.url("WEB_PUBLIC_URL"),
        token_days=read.whole("WEB_TOKEN_DAYS", 90, 1, 3650),
        metrics_token=read.token("METRICS_TOKEN", r"[!-~]{16,}", "at least 16 characters, no spaces"),
        trusted_proxy_hops=read.whole("WEB_TRUSTED_PROXY_HOPS", 0, 0, 5),
        keep_result_metadata=read.flag("STATIONTHIS_KEEP_RESULT_METADATA"),
        log_level=read.choice("STATIONTHIS_LOG_LEVEL", "INFO", LOG_LEVELS, case=str.upper),
        log_format=read.choice("STATIONTHIS_LOG_FORMAT", "text", ("text", "json")),
        log_prompts=read.flag("STATIONTHIS_LOG_PROMPTS"),
        instance=read.text("STATIONTHIS_INSTANCE", socket.gethostname()),
        progress_interval=read.seconds("STATIONTHIS_PROGRESS_INTERVAL", 3),
        comfyui_timeout=read.seconds("COMFYUI_TIMEOUT", 30, zero_allowed=False),
        comfyui_secret=read.text("COMFYUI_SHARED_SECRET", ""),
        slots_per_worker=read.whole("STATIONTHIS_SLOTS_PER_WORKER", 2, 1, 16),
        queue_timeout=read.seconds("STATIONTHIS_QUEUE_TIMEOUT", 600, zero_allowed=False),
        refuse_without_worker=read.choice("STATIONTHIS_WHEN_NO_WORKER", "accept", ("accept", "refuse")) == "refuse",
        max_upload_bytes=read.whole("STATIONTHIS_MAX_UPLOAD_BYTES", 20_000_000, 1024, 2**31),
        max_jobs_per_user=read.whole("STATIONTHIS_MAX_JOBS_PER_USER", 4, 1, 10_000),
        points_help=read.text("STATIONTHIS_POINTS_HELP"),
        unknown_settings=read.unknown(),
    )


def _webhook_url(url: str | None) -> str | None:
    """The web interface serves POST /hooks/telegram; the public URL may add a proxy's prefix before it."""
    parsed = urlparse(url or "")
    if url and (parsed.scheme not in ("http", "https") or not parsed.netloc
                or not parsed.path.endswith("/hooks/telegram")):
        raise ConfigError(f"TELEGRAM_WEBHOOK_URL must be an https:// URL ending in /hooks/telegram "
                          f"(where the web interface is reachable), got '{url}'.")
    return url
