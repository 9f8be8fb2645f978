"""Message and attachment records with Discord's create/edit semantics and their JSON form."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from .middleware import DiscordError

SUPPRESS_EMBEDS = 1 << 2
EPHEMERAL = 1 << 6
LOADING = 1 << 7
SUPPRESS_NOTIFICATIONS = 1 << 12
IS_COMPONENTS_V2 = 1 << 15
SENDABLE_FLAGS = SUPPRESS_EMBEDS | EPHEMERAL | SUPPRESS_NOTIFICATIONS | IS_COMPONENTS_V2
EDITABLE_FLAGS = SUPPRESS_EMBEDS | IS_COMPONENTS_V2


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat()


@dataclass
class Attachment:
    """An uploaded file; `data` keeps the bytes, width/height are set when Pillow reads it as an image."""

    id: str
    filename: str
    data: bytes
    url: str
    content_type: str | None = None
    width: int | None = None
    height: int | None = None
    description: str | None = None

    @property
    def size(self) -> int:
        return len(self.data)

    def payload(self) -> dict:
        optional = {"content_type": self.content_type, "width": self.width, "height": self.height,
                    "description": self.description}
        return {"id": self.id, "filename": self.filename, "size": self.size, "url": self.url,
                "proxy_url": self.url, **{k: v for k, v in optional.items() if v is not None}}


@dataclass
class Message:
    """A message as the stand-in stores it; `history` holds the JSON of every earlier version."""

    id: str
    channel_id: str
    author: dict
    type: int = 0
    content: str = ""
    embeds: list = field(default_factory=list)
    components: list = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    flags: int = 0
    webhook_id: str | None = None
    application_id: str | None = None
    interaction_metadata: dict | None = None
    timestamp: str = field(default_factory=now_iso)
    edited_timestamp: str | None = None
    history: list[dict] = field(default_factory=list)
    deleted: bool = False
    allowed_mentions: dict | None = None  # as the latest create or edit sent it (None: not sent, Discord's default)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & LOADING)

    def fill(self, body: dict, uploads: dict[int, Attachment], *, editing: bool) -> None:
        """Applies a create or edit body; raises Discord's errors for empty messages and bad attachment refs."""
        if editing:
            flags = self.flags & ~LOADING
            if "flags" in body:
                flags = (flags & ~EDITABLE_FLAGS) | ((body["flags"] or 0) & EDITABLE_FLAGS)
        else:
            flags = self.flags | ((body.get("flags") or 0) & SENDABLE_FLAGS)
        content = (body["content"] or "") if "content" in body else self.content
        embeds = (body["embeds"] or []) if "embeds" in body else self.embeds
        components = (body["components"] or []) if "components" in body else self.components
        attachments = _attachments_after(body, self.attachments, dict(uploads))
        if not (content or embeds or components or attachments or flags & LOADING):
            raise DiscordError(400, 50006, "Cannot send an empty message")
        if editing:
            self.history.append(self.payload())
            self.edited_timestamp = now_iso()
        self.flags, self.content, self.embeds = flags, content, embeds
        self.components, self.attachments = components, attachments
        self.allowed_mentions = body.get("allowed_mentions")

    def component(self, custom_id: str) -> dict | None:
        """The component carrying `custom_id`, searched through rows and v2 containers."""
        stack = list(self.components)
        while stack:
            component = stack.pop()
            if component.get("custom_id") == custom_id:
                return component
            stack.extend(component.get("components", []))
            stack.extend([component["accessory"]] if "accessory" in component else [])
        return None

    def payload(self) -> dict:
        data = {
            "id": self.id, "type": self.type, "channel_id": self.channel_id, "author": self.author,
            "content": self.content, "timestamp": self.timestamp, "edited_timestamp": self.edited_timestamp,
            "tts": False, "mention_everyone": False, "mentions": [], "mention_roles": [], "pinned": False,
            "attachments": [a.payload() for a in self.attachments], "embeds": self.embeds,
            "components": self.components, "flags": self.flags,
        }
        optional = {"webhook_id": self.webhook_id, "application_id": self.application_id,
                    "interaction_metadata": self.interaction_metadata}
        return data | {k: v for k, v in optional.items() if v is not None}


def _attachments_after(body: dict, current: list[Attachment], uploads: dict[int, Attachment]) -> list[Attachment]:
    """v10: `attachments` lists what stays, by existing id or by the n of an uploaded files[n]."""
    if "attachments" not in body:
        return current + list(uploads.values())
    existing = {a.id: a for a in current}
    kept = []
    for entry in body["attachments"] or []:
        key = str(entry.get("id"))
        if key in existing:
            kept.append(existing[key])
        elif key.isdigit() and int(key) in uploads:
            upload = uploads.pop(int(key))
            upload.description = entry.get("description", upload.description)
            kept.append(upload)
        else:
            raise DiscordError(400, 50035, f"Invalid Form Body: unknown attachment id {key}")
    return kept + list(uploads.values())
