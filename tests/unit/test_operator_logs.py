"""Operator logs: text or JSON lines, HTTP client chatter only at DEBUG, no secret and no prompt unless asked."""
from __future__ import annotations

import io
import json
import logging

import pytest

from bootstrap.config import load_config
from bootstrap.logs import CHATTY, configure_logging

SECRETS = {"TELEGRAM_BOT_TOKEN": "123456:TELEGRAM-secret", "DISCORD_BOT_TOKEN": "discord.secret-token",
           "WEB_SECRET_KEY": "web-secret-key-value", "STATIONTHIS_STORAGE": "mongodb://admin:p%40ss-secret@db/st"}


@pytest.fixture
def logs(tmp_path):
    """configure_logging as the CLI calls it, into a buffer; the logging setup is put back afterwards."""
    root, saved = logging.getLogger(), (logging.getLogger().handlers[:], logging.getLogger().level)
    chatty = {name: (logging.getLogger(name).level, logging.getLogger(name).filters[:]) for name in CHATTY}

    def configure(**env) -> io.StringIO:
        stream = io.StringIO()
        configure_logging(load_config(env={"STATIONTHIS_DATA_DIR": str(tmp_path), **env}, dotenv=False), stream)
        return stream

    yield configure
    root.handlers[:], _ = saved[0], root.setLevel(saved[1])
    for name, (level, filters) in chatty.items():
        logging.getLogger(name).setLevel(level)
        logging.getLogger(name).filters[:] = filters


def test_text_lines_carry_time_level_logger_message_and_extra_fields_but_no_prompt(logs):
    stream = logs()
    logging.getLogger("stationthis.jobs").info("job %s accepted", "j1", extra={"user": "u1", "prompt": "my cat"})
    line = stream.getvalue().strip()
    assert line.endswith(" INFO stationthis.jobs: job j1 accepted user=u1") and "my cat" not in line


def test_prompts_appear_only_when_the_operator_asks_for_them(logs):
    stream = logs(STATIONTHIS_LOG_PROMPTS="1", STATIONTHIS_LOG_FORMAT="json")
    logging.getLogger("stationthis.jobs").info("job accepted", extra={"prompt": "my cat"})
    assert json.loads(stream.getvalue())["prompt"] == "my cat"


def test_json_logs_are_one_object_per_record_with_the_exception_inside(logs):
    stream = logs(STATIONTHIS_LOG_FORMAT="json")
    log = logging.getLogger("stationthis")
    log.warning("worker %s left the rotation", "w1", extra={"worker": "w1", "prompt": "hidden"})
    try:
        raise ValueError("boom")
    except ValueError:
        log.exception("job failed")
    first, second = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert first == {"time": first["time"], "level": "WARNING", "logger": "stationthis",
                     "message": "worker w1 left the rotation", "worker": "w1"}
    assert first["time"].endswith("+00:00") and second["level"] == "ERROR"
    assert second["exception"].startswith("Traceback") and "ValueError: boom" in second["exception"]


@pytest.mark.parametrize("style", ["text", "json"])
def test_no_secret_of_the_configuration_survives_in_a_message_or_a_traceback(logs, style):
    stream = logs(STATIONTHIS_LOG_FORMAT=style, **SECRETS)
    log = logging.getLogger("telegram.ext")
    log.warning("POST https://api.telegram.org/bot%s/getMe", SECRETS["TELEGRAM_BOT_TOKEN"])
    try:
        raise RuntimeError(f"refused {SECRETS['DISCORD_BOT_TOKEN']} and {SECRETS['WEB_SECRET_KEY']} at p@ss-secret")
    except RuntimeError:
        log.exception("start failed")
    text = stream.getvalue()
    assert text.count("***") >= 4 and "RuntimeError: refused *** and *** at ***" in text
    assert not [value for value in (*SECRETS.values(), "p@ss-secret", "p%40ss-secret") if value in text]


def test_http_client_requests_show_only_at_debug_and_are_labelled_debug(logs):
    quiet = logs()
    logging.getLogger("httpx").info("HTTP Request: GET http://worker:8188/system_stats \"HTTP/1.1 200 OK\"")
    logging.getLogger("httpx").warning("a real problem")
    assert "system_stats" not in quiet.getvalue() and "WARNING httpx: a real problem" in quiet.getvalue()
    chatty = logs(STATIONTHIS_LOG_LEVEL="DEBUG")
    logging.getLogger("httpx").info("HTTP Request: GET http://worker:8188/system_stats \"HTTP/1.1 200 OK\"")
    assert " DEBUG httpx: HTTP Request: GET http://worker:8188/system_stats" in chatty.getvalue()
