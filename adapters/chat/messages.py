"""Platform-neutral chat requests and replies."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from domain.reply import ReplyTo


class ButtonAction(StrEnum):
    """The verb of a button's action "verb:argument" (short: Telegram allows 64 bytes in all)."""

    REROLL = "r"
    VARY = "v"
    UPSCALE = "u"
    SAVE = "s"
    FULL_SIZE = "f"
    CONFIRM_TRAINING = "tc"
    DISCARD_TRAINING = "tx"


@dataclass(frozen=True)
class Button:
    label: str
    action: str  # "verb:argument", at most 64 bytes (Telegram's callback_data limit)

    @classmethod
    def of(cls, label: str, verb: ButtonAction, argument: str) -> Button:
        return cls(label, f"{verb.value}:{argument}")


@dataclass(frozen=True)
class Reply:
    text: str
    image: bytes | None = None
    image_name: str = "image.png"
    buttons: tuple[Button, ...] = ()
    error: bool = False  # a mistake the user made: Discord shows it only to them
    as_document: bool = False  # send the image as a file, at full resolution


@dataclass
class ChatRequest:
    """One command from a chat. `options` are typed (Discord) or parsed from `text` (Telegram)."""

    identity: str
    display_name: str
    command: str
    text: str | None = None  # what followed the command in a text chat; None when options are typed
    subcommand: str | None = None
    options: dict = field(default_factory=dict)
    images: list[bytes] = field(default_factory=list)
    origin: ReplyTo = field(default_factory=ReplyTo)
    request_key: str | None = None
    public: bool = False  # asked where other people read along (a group): nothing secret is answered there
