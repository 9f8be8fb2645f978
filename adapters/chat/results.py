"""A finished job as a chat shows it: its files by kind and the words of a text result."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass

from domain.blobs import Shown
from domain.jobs import Job
from domain.outputs import OutputKind
from domain.workflows.station import Station
from ports.media import MediaProcessor

TEXT_AS_FILE_AFTER = 8000  # characters: past two messages, a text result goes as a .txt file


@dataclass(frozen=True)
class ChatFile:
    name: str
    data: bytes
    kind: str  # image | animation | video | document, as Reply.kind


@dataclass(frozen=True)
class ChatResult:
    files: tuple[ChatFile, ...]
    text: str  # the words of a text result ("" for other kinds)


async def chat_result(station: Station, media: MediaProcessor, job: Job) -> ChatResult:
    """Pictures as pictures, an animation as a GIF (what chats play; the original when it cannot be one), a video as
    a video, text as words (a file when long)."""
    files, words = [], []
    for number, result in enumerate(await station.access.results(job), start=1):
        name = result.filename(job, number if len(job.outputs) > 1 else None)
        if result.shown is Shown.TEXT:
            words.append(result.text)
        elif job.output is OutputKind.ANIMATION:
            gif = await asyncio.to_thread(media.animated_gif, result.data)  # Pillow work, off the event loop
            files.append(ChatFile(f"{name.rsplit('.', 1)[0]}.gif", gif, "animation") if gif else
                         ChatFile(name, result.data, "document"))
        else:
            kind = {Shown.IMAGE: "image", Shown.VIDEO: "video"}.get(result.shown, "document")
            files.append(ChatFile(name, result.data, kind))
    text = "\n\n".join(words)
    if len(text) > TEXT_AS_FILE_AFTER:
        files.append(ChatFile(f"{job.tool}.txt", text.encode(), "document"))
    return ChatResult(tuple(files), text)
