"""A finished job's result on Telegram: its words in the message, its files on it, a batch of pictures as an album."""
from __future__ import annotations

from dataclasses import replace

from adapters.chat.messages import Reply
from adapters.chat.results import ChatResult
from adapters.telegram.send import UPLOAD_MAX_BYTES, Sender


async def with_result(sender: Sender, chat_id: int, reply_to: int | None, reply: Reply, result: ChatResult,
                      link: str) -> Reply:
    """The reply that carries the result: words after the caption (split past 4096 characters, a file past
    TEXT_AS_FILE_AFTER); a batch of pictures as an album before it; a single file (picture, animation, video,
    text file) on it, others sent just before; a file past the upload limit named, with its web `link`."""
    as_file = any(f.name.endswith(".txt") for f in result.files)
    reply = replace(reply, text=f"{reply.text}\n\n{result.text}" if result.text and not as_file else reply.text)
    files = [f for f in result.files if len(f.data) <= UPLOAD_MAX_BYTES]
    too_large = [f for f in result.files if f not in files]
    if too_large:
        reply = replace(reply, text=f"{reply.text}\n(The {too_large[0].kind} is too large for Telegram's "
                                    f"{UPLOAD_MAX_BYTES // 2**20} MB limit{': ' + link if link else '.'})")
    if len(files) > 1 and all(f.kind == "image" for f in files):  # a batch: an album, then the words and buttons
        return replace(reply, album=tuple((f.name, f.data) for f in files))
    for extra in files[1:]:
        await sender.send(chat_id, Reply("", image=extra.data, image_name=extra.name, kind=extra.kind), reply_to)
    first = files[0] if files else None
    return replace(reply, image=first.data, image_name=first.name, kind=first.kind) if first else reply
