"""Sending methods: sendMessage, sendPhoto, sendDocument, sendAnimation, sendVideo and sendMediaGroup."""

from __future__ import annotations

from .faults import ApiError, bad_request
from .keyboards import reply_markup
from .media import mime_type_of, resolve
from .params import Params
from .records import ChatMessage
from .state import World, new_media_group_id
from .text import caption, caption_of, message_text

ALBUM_SIZE = range(2, 11)  # "must include 2-10 items"
ALBUM_KINDS = ("photo", "document")


def _reply_target(world: World, p: Params, chat: dict) -> ChatMessage | None:
    reply = p.object("reply_parameters", "Can't parse reply parameters JSON object")
    if reply is None and p.number("reply_to_message_id"):
        reply = {
            "message_id": p.number("reply_to_message_id"),
            "allow_sending_without_reply": p.flag("allow_sending_without_reply"),
        }
    if reply is None:
        return None
    if not isinstance(reply, dict):
        raise bad_request("object expected as reply parameters")
    chat_id = world.chat(reply.get("chat_id", chat["id"]))["id"]
    found = world.message(chat_id, int(reply.get("message_id") or 0))
    if found is None and not reply.get("allow_sending_without_reply"):
        raise bad_request("message to be replied not found")
    return found


def _flags(p: Params) -> dict:
    """Optional media flags that a sent Message echoes."""
    shown = {"has_spoiler": "has_media_spoiler", "show_caption_above_media": "show_caption_above_media"}
    return {field: True for param, field in shown.items() if p.flag(param)}


def _send(world: World, p: Params, content: dict) -> dict:
    markup = reply_markup(p)
    chat = world.chat(p.get("chat_id"))
    reply_to = _reply_target(world, p, chat)
    if markup:
        content = {**content, "reply_markup": markup}
    return world.post(chat, world.bot, content, reply_to).data


async def send_message(world: World, p: Params) -> dict:
    return _send(world, p, message_text(p))


async def send_photo(world: World, p: Params) -> dict:
    fields = caption_of(p)
    return _send(world, p, {"photo": resolve(world, "photo", p.get("photo"), p.files, "photo"), **fields, **_flags(p)})


async def send_document(world: World, p: Params) -> dict:
    fields = caption_of(p)
    document = resolve(world, "document", p.get("document"), p.files, "document")
    return _send(world, p, {"document": document, **fields})


# What Telegram shows natively; anything else sent this way arrives as a plain document, as the Bot API documents
# ("GIF or H.264/MPEG-4 AVC video without sound"; "Telegram clients support MPEG4 videos").
NATIVE = {"animation": ("image/gif", "video/mp4"), "video": ("video/mp4",)}


async def _send_playable(world: World, p: Params, kind: str) -> dict:
    upload = p.files.get(kind)
    shown_as = kind if upload is None or mime_type_of(upload) in NATIVE[kind] else "document"
    media = resolve(world, shown_as, p.get(kind), p.files, kind)
    fields = {shown_as: media, **({"document": media} if shown_as == "animation" else {})}
    return _send(world, p, {**fields, **caption_of(p), **_flags(p)})


async def send_animation(world: World, p: Params) -> dict:
    return await _send_playable(world, p, "animation")


async def send_video(world: World, p: Params) -> dict:
    return await _send_playable(world, p, "video")


async def send_media_group(world: World, p: Params) -> list[dict]:
    items = p.object("media", "Can't parse media JSON object")
    if items is None:
        raise bad_request('parameter "media" is required')
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise bad_request("Expected an Array of InputMedia")
    if not items:
        raise bad_request("there are no messages to send")
    if len(items) > ALBUM_SIZE[-1]:
        raise bad_request("too many messages to send as an album")
    if len(items) < ALBUM_SIZE[0]:
        raise bad_request("media group must include 2-10 items")
    kinds = [item.get("type") for item in items]
    for kind in kinds:
        if kind in ("video", "audio"):
            raise ApiError(501, f"Not Implemented: the Telegram stand-in does not send {kind} albums")
        if kind not in ALBUM_KINDS:
            raise bad_request(f'can\'t parse InputMedia: type "{kind}" can\'t be used in sendMediaGroup')
    if "document" in kinds and set(kinds) != {"document"}:
        raise bad_request("document can't be mixed with other media types")
    contents = [
        {
            item["type"]: resolve(world, item["type"], item.get("media"), p.files, ""),
            **caption(item.get("caption"), str(item.get("parse_mode") or ""), item.get("caption_entities")),
        }
        for item in items
    ]
    chat = world.chat(p.get("chat_id"))
    reply_to = _reply_target(world, p, chat)
    group_id = new_media_group_id()
    return [world.post(chat, world.bot, {**c, "media_group_id": group_id}, reply_to).data for c in contents]


METHODS = {
    "sendMessage": send_message,
    "sendPhoto": send_photo,
    "sendDocument": send_document,
    "sendMediaGroup": send_media_group,
    "sendAnimation": send_animation,
    "sendVideo": send_video,
}
