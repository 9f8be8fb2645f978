"""What tests read back: recorded bot calls, uploaded files and chat messages with their edit history."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Upload:
    """One file part of a multipart request, bytes kept for inspection."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class Call:
    """One bot->server request: decoded params, uploads, arrival time, token and the answer given."""

    method: str
    params: dict
    files: dict[str, Upload]
    time: float
    token: str
    status: int = 0
    response: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def chat_id(self) -> int | str | None:
        value = self.params.get("chat_id")
        return int(value) if isinstance(value, str) and value.lstrip("-").isdigit() else value

    @property
    def text(self) -> str | None:
        return self.params.get("text", self.params.get("caption"))

    def __str__(self) -> str:
        shown = {k: v for k, v in self.params.items() if k in ("chat_id", "message_id", "text", "caption")}
        args = ", ".join(f"{k}={v!r}" for k, v in shown.items())
        answer = "ok" if self.ok else self.response.get("description", self.status)
        return f"{self.method}({args}) -> {answer}"


@dataclass
class ChatMessage:
    """A message as the chat shows it now (`data`, an official Message), earlier versions in `history`."""

    data: dict
    history: list[dict] = field(default_factory=list)
    deleted: bool = False

    @property
    def chat_id(self) -> int:
        return self.data["chat"]["id"]

    @property
    def message_id(self) -> int:
        return self.data["message_id"]

    @property
    def from_bot(self) -> bool:
        return self.data["from"]["is_bot"]

    @property
    def text(self) -> str | None:
        return self.data.get("text", self.data.get("caption"))

    @property
    def caption(self) -> str | None:
        return self.data.get("caption")

    @property
    def reply_markup(self) -> dict | None:
        return self.data.get("reply_markup")

    @property
    def buttons(self) -> list[dict]:
        """Every inline keyboard button, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]

    def __str__(self) -> str:
        who = "bot" if self.from_bot else self.data["from"].get("username", self.data["from"]["id"])
        gone = " (deleted)" if self.deleted else ""
        return f"#{self.message_id} in {self.chat_id} from {who}: {self.text!r}{gone}"
