"""Bot-level methods: getMe, getUpdates, commands, getFile, sendChatAction, close, logOut."""

from __future__ import annotations

import json
import re
import time

from .faults import ApiError, bad_request, too_many_requests
from .params import Params
from .state import World

MAX_POLL_TIMEOUT = 50
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
CLOSE_GRACE_SECONDS = 600  # "error 429 in the first 10 minutes after the bot is launched"
CHAT_ACTIONS = frozenset(
    "typing upload_photo record_video upload_video record_voice upload_voice record_audio upload_audio "
    "upload_document choose_sticker find_location pick_up_location record_video_note upload_video_note "
    "cancel".split()
)
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")


async def get_me(world: World, p: Params) -> dict:
    return {
        **world.bot,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def get_updates(world: World, p: Params) -> list[dict]:
    if world.webhook.active:
        raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                            "use deleteWebhook to delete the webhook first")
    world.updates.allow(p.object("allowed_updates", None))
    limit = min(max(p.number("limit", 100), 1), 100)
    timeout = min(max(p.number("timeout"), 0), MAX_POLL_TIMEOUT)
    return await world.updates.get(p.number("offset"), limit, timeout)


def _commands_key(p: Params) -> tuple[str, str]:
    scope = p.object("scope", "Can't parse BotCommandScope JSON object") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), p.text("language_code")


async def set_my_commands(world: World, p: Params) -> bool:
    commands = p.object("commands", "Can't parse commands JSON object") or []
    if not isinstance(commands, list):
        raise bad_request("Expected an Array of BotCommand")
    for command in commands:
        if not isinstance(command, dict):
            raise bad_request("Can't parse BotCommand: expected an Object")
        if not _COMMAND_NAME.fullmatch(str(command.get("command", "")).lower()):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    if len(commands) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    world.commands[_commands_key(p)] = [
        {"command": str(c["command"]).lower(), "description": str(c["description"])} for c in commands
    ]
    return True


async def get_my_commands(world: World, p: Params) -> list[dict]:
    return world.commands.get(_commands_key(p), [])


async def delete_my_commands(world: World, p: Params) -> bool:
    world.commands.pop(_commands_key(p), None)
    return True


async def get_file(world: World, p: Params) -> dict:
    if not p.text("file_id"):
        raise bad_request("file_id not specified")
    stored = world.files.get(p.text("file_id"))
    if stored is None:
        raise bad_request("invalid file_id")
    if len(stored.data) > MAX_DOWNLOAD_BYTES:
        raise bad_request("file is too big")
    return stored.as_file()


async def send_chat_action(world: World, p: Params) -> bool:
    world.chat(p.get("chat_id"))
    if p.text("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


async def close(world: World, p: Params) -> bool:
    remaining = CLOSE_GRACE_SECONDS - (time.monotonic() - world.started)
    if remaining > 0:
        raise too_many_requests(int(remaining) + 1)
    return True


async def log_out(world: World, p: Params) -> bool:
    return True


METHODS = {
    "getMe": get_me,
    "getUpdates": get_updates,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "getFile": get_file,
    "sendChatAction": send_chat_action,
    "close": close,
    "logOut": log_out,
}
