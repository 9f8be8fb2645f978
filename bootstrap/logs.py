"""Operator logs: one line per record as text or JSON on stderr, library chatter at DEBUG only, secrets never."""
from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

# Libraries that log every HTTP request (a worker's health poll every few seconds, Telegram's long polling).
CHATTY = ("httpx", "httpcore", "hpack", "websockets")
# Fields a record may carry (`log.info(..., extra={"prompt": text})`) that hold a user's own words:
# written only when the operator asks for them with STATIONTHIS_LOG_PROMPTS.
PRIVATE = ("prompt",)
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}


class Redactor:
    """Blanks out every secret of the configuration wherever it appears in a text."""

    def __init__(self, secrets):
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    @classmethod
    def of(cls, config) -> Redactor:
        password = urlsplit(config.storage_url).password or ""
        return cls([config.telegram_token, config.discord_token, config.web_secret_key, config.comfyui_secret, password,
                    unquote(password)])

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text


class OperatorFormatter(logging.Formatter):
    """Text: `2025-01-31 12:00:00,123 INFO stationthis: message key=value`, a traceback on the lines after.
    JSON: one object per line with time (UTC), level, logger, message, each extra field and the exception."""

    def __init__(self, redact: Redactor, show_prompts: bool = False, as_json: bool = False):
        super().__init__()
        self.redact, self.show_prompts, self.as_json = redact, show_prompts, as_json

    def format(self, record: logging.LogRecord) -> str:
        fields = {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")
                  and (self.show_prompts or k not in PRIVATE)}
        trace = self.formatException(record.exc_info) if record.exc_info else ""
        if self.as_json:
            entry = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                     "level": record.levelname, "logger": record.name, "message": record.getMessage(), **fields}
            line = json.dumps(entry | ({"exception": trace} if trace else {}), default=str, ensure_ascii=False)
        else:
            extras = "".join(f" {key}={value}" for key, value in fields.items())
            line = f"{self.formatTime(record)} {record.levelname} {record.name}: {record.getMessage()}{extras}"
            line += f"\n{trace}" if trace else ""
        return self.redact(line)


class ChatterAtDebug(logging.Filter):
    """Labels a chatty library's INFO records DEBUG, which is the only level that shows them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.INFO:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


def configure_logging(config, stream=None) -> Redactor:
    """Send every record to stderr in the configured format; returns the redactor for error lines too."""
    redact = Redactor.of(config)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(OperatorFormatter(redact, config.log_prompts, as_json=config.log_format == "json"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(config.log_level)
    for name in CHATTY:
        logger = logging.getLogger(name)
        logger.setLevel(logging.NOTSET if config.log_level == "DEBUG" else logging.WARNING)
        if not any(isinstance(f, ChatterAtDebug) for f in logger.filters):
            logger.addFilter(ChatterAtDebug())
    return redact
