"""Changing what was sent: editMessageText/Caption/Media/ReplyMarkup, deleteMessage, answerCallbackQuery."""

from __future__ import annotations

from .faults import ApiError, bad_request
from .keyboards import reply_markup
from .media import resolve
from .params import Params
from .records import ChatMessage
from .state import World
from .text import caption, caption_of, message_text

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same as a "
    "current content and reply markup of the message"
)
_CONTENT = ("text", "entities", "caption", "caption_entities", "reply_markup", "photo", "document")
_MEDIA = ("photo", "document")  # what the stand-in sends; editMessageMedia swaps one for the other


def _target(world: World, p: Params, purpose: str) -> ChatMessage:
    if p.get("inline_message_id"):
        raise ApiError(501, "Not Implemented: the Telegram stand-in has no inline messages")
    chat = world.chat(p.get("chat_id"))
    if not p.number("message_id"):
        raise bad_request("message identifier is not specified")
    found = world.message(chat["id"], p.number("message_id"))
    if found is None:
        raise bad_request(f"message to {purpose} not found")
    return found


def _edit(world: World, p: Params, changes: dict, replaced: tuple[str, ...], needs: str) -> dict:
    """Edit the bot's message; `replaced` fields are dropped first (a missing reply_markup removes it)."""
    message = _target(world, p, "edit")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    if needs == "text" and "text" not in message.data:
        raise bad_request("there is no text in the message to edit")
    if needs == "caption" and "text" in message.data:
        raise bad_request("there is no caption in the message to edit")
    if needs == "media" and not any(kind in message.data for kind in _MEDIA):
        raise bad_request("there is no media in the message to edit")
    before = {k: message.data.get(k) for k in _CONTENT}
    after = {**{k: v for k, v in before.items() if k not in replaced}, **changes}
    if {k: after.get(k) for k in _CONTENT} == before:
        raise bad_request(NOT_MODIFIED)
    return world.edit(message, changes, dropped=replaced).data


def _markup(p: Params) -> dict:
    markup = reply_markup(p)
    return {"reply_markup": markup} if markup else {}


async def edit_message_text(world: World, p: Params) -> dict:
    changes = {**message_text(p), **_markup(p)}
    return _edit(world, p, changes, ("text", "entities", "reply_markup"), needs="text")


async def edit_message_caption(world: World, p: Params) -> dict:
    changes = {**caption_of(p), **_markup(p)}
    return _edit(world, p, changes, ("caption", "caption_entities", "reply_markup"), needs="caption")


async def edit_message_media(world: World, p: Params) -> dict:
    """A new photo or document (an upload by attach://, or a file_id) with its caption; the old caption goes."""
    item = p.object("media", "Can't parse InputMedia JSON object")
    if not isinstance(item, dict):
        raise bad_request('parameter "media" is required')
    kind = item.get("type")
    if kind not in _MEDIA:
        raise ApiError(501, f"Not Implemented: the Telegram stand-in does not edit to {kind} media")
    content = {kind: resolve(world, kind, item.get("media"), p.files, ""),
               **caption(item.get("caption"), str(item.get("parse_mode") or ""), item.get("caption_entities"))}
    return _edit(world, p, {**content, **_markup(p)}, ("caption", "caption_entities", "reply_markup", *_MEDIA),
                 needs="media")


async def edit_message_reply_markup(world: World, p: Params) -> dict:
    return _edit(world, p, _markup(p), ("reply_markup",), needs="")


async def delete_message(world: World, p: Params) -> bool:
    message = _target(world, p, "delete")
    if not message.from_bot and message.data["chat"]["type"] != "private":
        raise bad_request("message can't be deleted")
    message.deleted = True
    world.notify()
    return True


async def answer_callback_query(world: World, p: Params) -> bool:
    query_id = p.text("callback_query_id")
    if world.callback_queries.get(query_id, True):
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    world.callback_queries[query_id] = True
    return True


METHODS = {
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageMedia": edit_message_media,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "answerCallbackQuery": answer_callback_query,
}
