"""Starting and stopping the Telegram bot: the token stays out of logs and errors; no token, no bot."""
from __future__ import annotations

import logging
import socket

import pytest
from telegram.error import NetworkError

from bootstrap.container import build_container
from bootstrap.platforms import enabled_platforms
from tests.bounded import bounded
from tests.e2e.telegram_harness import (
    TOKEN,
    bot_message,
    running_station,
    station_config,
)
from tests.standins.telegram import TelegramStandin

SECRET = TOKEN.split(":", 1)[1]


@bounded(60)
async def test_the_token_never_reaches_the_logs_even_at_debug_level(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    async with TelegramStandin() as tg, running_station(tmp_path, tg):
        await tg.user_sends("/balance")
        await tg.wait_for(bot_message("You have 0 points"))
        await tg.user_sends("/paint")
        await tg.wait_for(bot_message("Unknown command 'paint'"))

    assert "getUpdates" in caplog.text and SECRET not in caplog.text


@bounded(60)
async def test_an_unreachable_bot_api_fails_the_start_with_an_error_that_names_no_token(tmp_path):
    # bound but never listening, and kept so for the whole test: nothing answers, and no other test's server can
    # take the port meanwhile (a port closed at once could be handed to one)
    with socket.socket() as closed, pytest.raises(NetworkError) as raised:
        closed.bind(("127.0.0.1", 0))
        async with TelegramStandin() as tg:
            config = station_config(tmp_path, tg,
                                    TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{closed.getsockname()[1]}/bot")
            container = build_container(config)
            await container.platforms.telegram()

    assert SECRET not in str(raised.value) and not container.platforms.telegram.initialized


async def test_without_a_token_there_is_no_telegram_platform(tmp_path):
    async with TelegramStandin() as tg:
        config = station_config(tmp_path, tg, TELEGRAM_BOT_TOKEN="")
    assert enabled_platforms(config) == ["web"]
