"""Every text in the terms of the platform it goes to: options typed or written key=value, albums or attachments."""
from __future__ import annotations

from dataclasses import dataclass

from adapters.chat.registry import Builtin, Sub, usage_line


@dataclass(frozen=True)
class Dialect:
    typed: bool  # options are typed into fields (Discord) rather than written after the command (Telegram)
    photos: str  # how to add training images, {low} to {high} of them
    people: str  # how to name someone
    adding: str  # how to put a result into a collection
    redeem: str  # how the other account uses a link code, {code}

    def option(self, name: str, value: object) -> str:
        return f"{name}:{value}" if self.typed else f"{name}={value}"

    def example(self, tool: str, prompt: str, **options: object) -> str:
        """'/txt2img a red fox steps=30' or '/txt2img prompt:a red fox steps:30'."""
        first = f"prompt:{prompt}" if self.typed else prompt
        return " ".join([f"/{tool}", first, *(self.option(k, v) for k, v in options.items())])

    def usage(self, builtin: Builtin) -> str:
        """Every subcommand with its options, as this platform writes them."""
        if not builtin.subs:
            return f"/{builtin.name}"
        return " · ".join(self.usage_line(builtin.name, sub) for sub in builtin.subs)

    def usage_line(self, command: str, sub: Sub) -> str:
        if not self.typed:
            return usage_line(command, sub)
        words = [f"/{command} {sub.name}"] + [f"{o.name}:" if o.required else f"[{o.name}:]" for o in sub.options
                                              if o.repeat == 1] + [f"{o.name}1:…" for o in sub.options if o.repeat > 1]
        return " ".join(words) + (" [setting:value…]" if sub.settings else "")


TELEGRAM = Dialect(
    typed=False,
    photos="send {low}–{high} photos (an album works); a photo's caption becomes its caption, and an album's "
           "caption every photo's",
    people="their @username (they must have used this bot), or reply to one of their messages",
    adding="reply to a result with /collections add NAME, or press 💾 Save on it",
    redeem="send /link {code} from your other account",
)
DISCORD = Dialect(
    typed=True,
    photos="add {low}–{high} images with /train add (up to 10 at a time, with an optional caption)",
    people="pick them in the user option (they must have used this bot)",
    adding="press 💾 Save on a result",
    redeem="use /link redeem code:{code} from your other account",
)
DIALECTS = {"telegram": TELEGRAM, "discord": DISCORD}


def dialect(platform: str) -> Dialect:
    return DIALECTS.get(platform, TELEGRAM)
