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
    RETRY = "t"
    SAVE = "s"
    FULL_SIZE = "f"
    CONFIRM_PRICE = "pc"
    DISCARD_PRICE = "px"
    COLLECTION_PAGE = "cp"
    CONFIRM_TRAINING = "tc"
    DISCARD_TRAINING = "tx"
    MAKE = "mk"  # a picture from a text result's words ("Make with this prompt", "Make it")
    MINE = "mo"  # a picture from the prompt the user gave a prompt assistant ("Use mine")
    CAPTION_DATASET = "ca"  # dataset:price:a|m — caption all pictures (a) or those without a caption (m)
    WRITE_TRIGGER = "wt"  # dataset — write the trigger into the captions that lack it
    REMOVE_PICTURES = "rp"  # dataset:3,5 — remove the pictures the dataset check named
    STOP = "sp"


@dataclass(frozen=True)
class Button:
    label: str
    action: str  # "verb:argument", at most 64 bytes (Telegram's callback_data limit)

    @classmethod
    def of(cls, label: str, verb: ButtonAction, argument: str) -> Button:
        return cls(label, f"{verb.value}:{argument}")

    @property
    def verb(self) -> str:
        return self.action.partition(":")[0]


@dataclass(frozen=True)
class Reply:
    text: str
    image: bytes | None = None
    image_name: str = "image.png"
    buttons: tuple[Button, ...] = ()
    error: bool = False  # a mistake the user made: Discord shows it only to them
    as_document: bool = False  # send the image as a file, at full resolution
    private: bool = False  # for the asker alone where the platform can (Discord: ephemeral)
    album: tuple[tuple[str, bytes], ...] = ()  # (file name, picture) sent together before the text
    replaces_pressed: bool = False  # a button's answer that takes the place of the message it was on
    kind: str = "image"  # what `image` holds: image | animation (a GIF) | video | document (any other file)


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
    request_key: str | None = None  # the platform's own event: a message, or a button on a message
    public: bool = False  # asked where other people read along (a group): nothing secret is answered there
    handle: str | None = None  # the asker's @name on the platform, so others can name them by it
    replied_identity: str | None = None  # whose message this one replies to (a person, not the bot)
    replied_job: str | None = None  # the job whose result this one replies to

    @property
    def platform(self) -> str:
        return self.identity.split(":", 1)[0]
