"""Configuration from the environment (and a .env file), checked once with clear messages."""
from __future__ import annotations

import os
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

_CHECKOUT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# A checkout (or editable install) has them beside the code; `pip install .` puts them under sys.prefix.
SHIPPED_TEMPLATES = _CHECKOUT_TEMPLATES if _CHECKOUT_TEMPLATES.is_dir() else \
    Path(sys.prefix) / "share" / "stationthis" / "templates"


class ConfigError(Exception):
    """A setting is malformed, or what it points at cannot be reached; the message says which and why."""


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
    log_level: str = "INFO"
    instance: str = "stationthis"
    progress_interval: float = 3.0
    comfyui_timeout: float = 30.0
    slots_per_worker: int = 2
    max_upload_bytes: int = 20_000_000
    max_pixels: int = 50_000_000
    extra: dict = field(default_factory=dict)

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
    get = lambda name, default=None: (env.get(name) or "").strip() or default  # noqa: E731
    data_dir = Path(get("STATIONTHIS_DATA_DIR", "./var")).resolve()
    storage = get("STATIONTHIS_STORAGE", f"sqlite:///{data_dir / 'stationthis.sqlite3'}")
    if not storage.startswith(("sqlite:///", "mongodb://", "mongodb+srv://")):
        raise ConfigError("STATIONTHIS_STORAGE must be sqlite:///path/to/file.sqlite3 or mongodb://host/db.")
    urls = tuple(u.strip().rstrip("/") for u in get("COMFYUI_URLS", "http://127.0.0.1:8188").split(",") if u.strip())
    for url in urls:
        if urlparse(url).scheme not in ("http", "https") or not urlparse(url).netloc:
            raise ConfigError(f"COMFYUI_URLS: '{url}' is not an http(s) URL.")
    extra = get("STATIONTHIS_TEMPLATES_DIR")
    dirs = (SHIPPED_TEMPLATES,) + ((Path(extra).resolve(),) if extra else ())
    return Config(
        data_dir=data_dir, storage_url=storage, comfyui_urls=urls, templates_dirs=dirs,
        telegram_token=get("TELEGRAM_BOT_TOKEN"), telegram_api_base_url=get("TELEGRAM_API_BASE_URL"),
        telegram_webhook_url=_webhook_url(get("TELEGRAM_WEBHOOK_URL")),
        discord_token=get("DISCORD_BOT_TOKEN"), discord_guild_ids=_ints("DISCORD_GUILD_IDS", get("DISCORD_GUILD_IDS", "")),
        discord_api_base_url=get("DISCORD_API_BASE_URL"),
        web_host=get("WEB_HOST", "127.0.0.1"), web_port=_int("WEB_PORT", get("WEB_PORT", "8080"), 0, 65535),
        web_secret_key=get("WEB_SECRET_KEY"), web_public_url=get("WEB_PUBLIC_URL"),
        log_level=get("STATIONTHIS_LOG_LEVEL", "INFO").upper(),
        instance=get("STATIONTHIS_INSTANCE", socket.gethostname()),
        progress_interval=_float("STATIONTHIS_PROGRESS_INTERVAL", get("STATIONTHIS_PROGRESS_INTERVAL", "3")),
        comfyui_timeout=_float("COMFYUI_TIMEOUT", get("COMFYUI_TIMEOUT", "30")),
        slots_per_worker=_int("STATIONTHIS_SLOTS_PER_WORKER", get("STATIONTHIS_SLOTS_PER_WORKER", "2"), 1, 16),
        max_upload_bytes=_int("STATIONTHIS_MAX_UPLOAD_BYTES", get("STATIONTHIS_MAX_UPLOAD_BYTES", "20000000"),
                              1024, 2**31),
    )


def _webhook_url(url: str | None) -> str | None:
    """The web interface serves POST /hooks/telegram; the public URL may add a proxy's prefix before it."""
    parsed = urlparse(url or "")
    if url and (parsed.scheme not in ("http", "https") or not parsed.netloc
                or not parsed.path.endswith("/hooks/telegram")):
        raise ConfigError(f"TELEGRAM_WEBHOOK_URL must be an https:// URL ending in /hooks/telegram "
                          f"(where the web interface is reachable), got '{url}'.")
    return url


def _int(name: str, raw: str, low: int, high: int) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got '{raw}'.") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be from {low} to {high}, got {value}.")
    return value


def _float(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, got '{raw}'.") from None
    if value < 0:
        raise ConfigError(f"{name} cannot be negative.")
    return value


def _ints(name: str, raw: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in raw.replace(" ", "").split(",") if p)
    except ValueError:
        raise ConfigError(f"{name} must be comma-separated numeric ids, got '{raw}'.") from None
