"""Webhook mode: Telegram POSTs updates to the web interface's /hooks/telegram; the real app answers them."""
from __future__ import annotations

import asyncio
import json
import socket
from contextlib import asynccontextmanager

import httpx
import pytest

from bootstrap.config import ConfigError, load_config
from tests.bounded import bounded
from tests.e2e.telegram_harness import (
    USER,
    bot_media,
    bot_message,
    grant,
    running_station,
)
from tests.standins.comfyui.standin import ComfyUIStandin
from tests.standins.telegram import TelegramStandin

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@asynccontextmanager
async def station_by_webhook(tmp_path, tg: TelegramStandin, comfy_url: str = "http://127.0.0.1:9"):
    """The real app on a fixed free web port, with TELEGRAM_WEBHOOK_URL pointing at its /hooks/telegram."""
    port = free_port()
    hook = f"http://127.0.0.1:{port}/hooks/telegram"
    async with running_station(tmp_path, tg, comfy_url, WEB_PORT=str(port), TELEGRAM_WEBHOOK_URL=hook) as app:
        yield app, hook


def start_update(update_id: int, text: str = "/start") -> dict:
    """An update as Telegram would POST it: the stand-in's default user sends `text` in their private chat."""
    user = {"id": USER, "is_bot": False, "first_name": "Ada", "username": "ada"}
    return {"update_id": update_id, "message": {
        "message_id": 900 + update_id, "date": 1_700_000_000, "from": user, "text": text,
        "chat": {"id": USER, "type": "private", "first_name": "Ada", "username": "ada"},
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]}}


@bounded(60)
async def test_start_sets_a_webhook_with_a_secret_and_a_users_start_arrives_by_webhook_and_is_answered(tmp_path):
    async with TelegramStandin() as tg, station_by_webhook(tmp_path, tg) as (_, hook):
        [set_call] = tg.calls("setWebhook")
        assert set_call.ok and set_call.params["url"] == hook
        assert len(set_call.params["secret_token"]) >= 32 and tg.webhook.secret == set_call.params["secret_token"]
        assert set(set_call.params["allowed_updates"]) >= {"message", "callback_query"}

        await tg.user_sends("/start")
        await tg.wait_for(bot_message("Welcome to StationThis"))

        assert [d.status for d in tg.webhook.deliveries] == [200]
        assert tg.pending_updates == [] and tg.calls("getUpdates") == []


@bounded(90)
async def test_txt2img_works_end_to_end_by_webhook_status_then_photo_and_no_get_updates_call_is_made(tmp_path):
    async with TelegramStandin() as tg, ComfyUIStandin(step_delay=0.05) as comfy, \
            station_by_webhook(tmp_path, tg, comfy.url) as (app, _):
        await grant(app, f"telegram:{USER}", 50)
        asked = await tg.user_sends("/txt2img a red fox seed=7")
        status = await tg.wait_for(bot_message("/txt2img queued"))
        result = await tg.wait_for(bot_media("photo", "a red fox", "seed 7"), timeout=30)

        assert status.data["reply_to_message"]["message_id"] == asked.message_id
        assert result.data["reply_to_message"]["message_id"] == asked.message_id
        assert tg.calls("getUpdates") == [] and comfy.prompts_received == 1


@bounded(60)
async def test_a_post_with_a_wrong_or_missing_secret_gets_403_and_no_reply_and_bad_json_gets_400(tmp_path):
    async with TelegramStandin() as tg, station_by_webhook(tmp_path, tg) as (_, hook), \
            httpx.AsyncClient(timeout=10) as http:
        secret = tg.webhook.secret
        body = json.dumps(start_update(500))
        wrong = await http.post(hook, content=body, headers={SECRET_HEADER: secret[:-1] + "x"})
        missing = await http.post(hook, content=body)
        bad_json = await http.post(hook, content="{not json", headers={SECRET_HEADER: secret})
        unknown = await http.post(hook.replace("/hooks/telegram", "/hooks/discord"), content=body,
                                  headers={SECRET_HEADER: secret})
        await asyncio.sleep(1.0)

        assert (wrong.status_code, missing.status_code, bad_json.status_code, unknown.status_code) == \
            (403, 403, 400, 404)
        assert tg.calls("sendMessage") == []

        await tg.user_sends("/start")  # what Telegram itself POSTs, with the secret, is still answered
        await tg.wait_for(bot_message("Welcome to StationThis"))


@bounded(60)
async def test_stop_deletes_the_webhook_it_set(tmp_path):
    async with TelegramStandin() as tg:
        async with station_by_webhook(tmp_path, tg):
            assert tg.webhook.active
        assert [c.method for c in tg.sent if "Webhook" in c.method] == ["setWebhook", "deleteWebhook"]
        assert not tg.webhook.active and tg.webhook.info()["url"] == ""


def test_a_webhook_url_that_does_not_end_in_hooks_telegram_is_refused_with_a_clear_message(tmp_path):
    with pytest.raises(ConfigError, match="ending in /hooks/telegram"):
        load_config(env={"STATIONTHIS_DATA_DIR": str(tmp_path),
                         "TELEGRAM_WEBHOOK_URL": "https://station.example/telegram"}, dotenv=False)
    behind_proxy = load_config(env={"STATIONTHIS_DATA_DIR": str(tmp_path),
                                    "TELEGRAM_WEBHOOK_URL": "https://station.example/bot/hooks/telegram"},
                               dotenv=False)
    assert behind_proxy.telegram_webhook_url == "https://station.example/bot/hooks/telegram"
