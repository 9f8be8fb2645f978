"""What the bot posts: chat-kit replies and job notices as Discord messages, images fitted to the upload limit."""
from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass

import discord

from adapters.chat.commands import ChatCommands
from adapters.chat.messages import Button, Reply
from adapters.chat.render import status_buttons, status_text
from adapters.chat.results import ChatFile
from adapters.discord.buttons import view_of
from domain.jobs import Job
from ports.media import MediaProcessor
from ports.notifier import Notice, NoticeKind

MIB = 1024 * 1024
DEFAULT_LIMIT = 10 * MIB
CONTENT_LIMIT = 2000
EMBED_LIMIT = 4096  # a reply longer than a message's content goes in an embed's description
EMBED_TEXT_LIMIT = 4000  # a text result longer than this goes as a .txt file too
ATTACHMENTS_MAX = 10


@dataclass
class Outgoing:
    content: str = ""
    embed: discord.Embed | None = None
    file: tuple[str, bytes] | None = None
    more_files: tuple[tuple[str, bytes], ...] = ()  # the rest of a batch, attached beside `file`
    buttons: tuple[Button, ...] = ()
    ephemeral: bool = False
    replaces: bool = False  # takes the place of the message whose button was pressed
    keeps_files: bool = False  # an edit leaves the message's attachments (the last preview) as they are

    def send(self) -> dict:
        """Arguments for a new message (send_message, followup.send, channel.send)."""
        kwargs: dict = {"content": self.content[:CONTENT_LIMIT] or None}
        if self.embed is not None:
            kwargs["embed"] = self.embed
        if self.file is not None:
            kwargs["files"] = self._files()
        if self.buttons:
            kwargs["view"] = view_of(self.buttons)
        return kwargs

    def edit(self) -> dict:
        """Arguments that replace everything an earlier version of the message showed."""
        edit: dict = {"content": self.content[:CONTENT_LIMIT], "embeds": [self.embed] if self.embed else [],
                      "view": view_of(self.buttons)}
        if self.file or not self.keeps_files:
            edit["attachments"] = self._files() if self.file else []
        return edit


    def _files(self) -> list[discord.File]:
        attached = ((self.file,) if self.file else ()) + self.more_files
        return [discord.File(io.BytesIO(data), filename=name) for name, data in attached]


class Renderer:
    def __init__(self, kit: ChatCommands, media: MediaProcessor, web_url: str | None):
        self.kit, self.media, self.web_url = kit, media, (web_url or "").rstrip("/")

    async def reply(self, reply: Reply, limit: int) -> Outgoing:
        long = len(reply.text) > CONTENT_LIMIT
        out = Outgoing("" if long else reply.text, buttons=reply.buttons, ephemeral=reply.error or reply.private,
                       embed=discord.Embed(description=reply.text[:EMBED_LIMIT]) if long else None,
                       replaces=reply.replaces_pressed)
        if reply.image is not None:
            out.file, note = await self._fitted(reply.image, reply.image_name, limit, shrink=not reply.as_document)
            out.content = "\n".join(p for p in (out.content, note) if p)
        if reply.album:  # pictures together: the attachments of one message
            fitted = [(await self._fitted(data, name, limit // len(reply.album)))[0] for name, data in reply.album]
            files = [file for file in fitted if file]
            if files:
                out.file, out.more_files = files[0], tuple(files[1:])
        return out

    def status(self, notice: Notice) -> Outgoing:
        """The status line with Stop; a new preview replaces the attached one, else that one stays."""
        buttons = status_buttons(notice.job) if notice.job else ()
        return Outgoing(status_text(notice), file=("preview.jpg", notice.preview) if notice.preview else None,
                        buttons=buttons, keeps_files=True)

    async def final(self, notice: Notice, limit: int) -> Outgoing:
        """The result on one message: pictures and animations in and under the embed, a video as a playable
        attachment, text in the embed (a .txt file when longer), each file fitted to the upload limit or linked."""
        job, reply = notice.job, await self.kit.final_reply(notice)
        if job is None or notice.kind is not NoticeKind.SUCCEEDED:
            return Outgoing(reply.text, buttons=reply.buttons, keeps_files=True)  # a stopped job's preview stays
        if job.long:  # a training: its loss curve under the news
            curve = (await self.kit.result_images(job))[:1]
            return Outgoing(reply.text, buttons=reply.buttons, file=("loss.png", curve[0]) if curve else None)
        result = await self.kit.result(job, self.media)
        files = list(result.files)
        if len(result.text) > EMBED_TEXT_LIMIT and not any(f.name.endswith(".txt") for f in files):
            files.append(ChatFile(f"{job.tool}.txt", result.text.encode(), "document"))
        embed = self._embed(job, result.text[:EMBED_TEXT_LIMIT])
        out = Outgoing(embed=embed, buttons=reply.buttons)
        files = files[:ATTACHMENTS_MAX]
        fitted = [await self._fitted(f.data, f.name, limit // max(1, len(files)), shrink=f.kind == "image", job=job,
                                     kind=f.kind) for f in files]
        attached = [(file, chat_file) for (file, _), chat_file in zip(fitted, files) if file]
        if attached:
            out.file, out.more_files = attached[0][0], tuple(file for file, _ in attached[1:])
            if attached[0][1].kind in ("image", "animation"):
                embed.set_image(url=f"attachment://{out.file[0]}")
        note = next((note for _, note in fitted if note), "")
        if note:
            embed.add_field(name="Full size", value=note, inline=False)
        return out

    def _embed(self, job: Job, words: str = "") -> discord.Embed:
        title = self.kit.station.catalogue.get(job.tool).spec.title if job.tool in self.kit.station.catalogue else None
        embed = discord.Embed(title=title or f"/{job.tool}", description=(words or str(job.params.get("prompt") or
                                                                                        ""))[:EMBED_TEXT_LIMIT])
        embed.add_field(name="Template", value=f"/{job.tool}")
        if job.params.get("seed") is not None:
            embed.add_field(name="Seed", value=str(job.params["seed"]))
        embed.add_field(name="Price", value=f"{job.price} points")
        return embed

    async def _fitted(self, data: bytes, name: str, limit: int, shrink: bool = True,
                      job: Job | None = None, kind: str = "image") -> tuple[tuple[str, bytes] | None, str]:
        """The file to attach and a note: as is, re-encoded to fit `limit`, or left out with a gallery link."""
        if len(data) <= limit:
            return (name, data), ""
        fitted = await asyncio.to_thread(self.media.fit, data, limit) if shrink else None
        if fitted is not None:
            extension = "png" if fitted.startswith(b"\x89PNG") else "jpg"
            return (f"{name.rsplit('.', 1)[0]}.{extension}", fitted), (
                f"Re-encoded to fit Discord's {size(limit)} limit (the original is {size(len(data))}).")
        where = f": {self.web_url}/jobs/{job.id}" if job and self.web_url else "."
        what = {"animation": "animation", "video": "video", "document": "file"}.get(kind, "image")
        return None, f"The {what} ({size(len(data))}) is too large for Discord's {size(limit)} limit{where}"


def size(count: int) -> str:
    if count >= MIB:
        return f"{count / MIB:.1f} MiB"
    return f"{round(count / 1024)} KiB" if count >= 1024 else f"{count} bytes"
