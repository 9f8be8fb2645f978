"""The command catalogue: every action's parameters, parsed and validated once for all platforms."""
from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from enum import StrEnum

from domain.errors import InvalidParameter
from domain.numbers import parse_number, parse_whole
from domain.outputs import OutputKind
from domain.pricing import PriceRule
from domain.text import MULTILINE, refuse_control


class ParamType(StrEnum):
    TEXT = "text"
    INT = "int"
    FLOAT = "float"
    SEED = "seed"
    CHOICE = "choice"
    IMAGE = "image"
    CHECKPOINT = "checkpoint"
    LORA = "lora"
    DATASET = "dataset"


class ToolKind(StrEnum):
    IMAGE = "image"
    IMAGE_EDIT = "image-edit"
    TRAINING = "training"


class FollowUp(StrEnum):
    """What a finished job's result offers to do next (declared per template); RETRY is what a failed one offers."""

    REROLL = "reroll"  # the same request with a new seed
    VARY = "vary"  # img2img of the result with its prompt
    UPSCALE = "upscale"  # the result made larger
    RETRY = "retry"  # a failed or cancelled job asked for again, exactly as it was
    MAKE = "make"  # a picture made from a text result's words ("Make with this prompt", "Make it")
    MINE = "mine"  # a picture made from the prompt a prompt assistant was given ("Use mine")


PARAM_TYPES = tuple(t.value for t in ParamType)
SEED_MAX = 2**32 - 1
TEXT_MAX = 2000
NEAR_MISS = 0.8  # how alike an unknown key=value name must be to a parameter's to be taken for a typo of it
_KEY_VALUE = re.compile(r'(?<!\S)([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|\'([^\']*)\'|(\S+))')


@dataclass(frozen=True)
class ParamSpec:
    name: str
    type: ParamType
    description: str = ""
    default: object = None
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = ()
    required: bool = False
    max_length: int = TEXT_MAX

    @property
    def settable(self) -> bool:
        """Whether a user may store a personal default for it with /settings."""
        return self.type in ("int", "float", "choice", "checkpoint") or (self.type == "text" and not self.required)

    def allowed(self) -> str:
        if self.type in ("int", "float"):
            kind = "a whole number" if self.type == "int" else "a number"
            return f"{kind} from {_num(self.min)} to {_num(self.max)}"
        if self.type == "seed":
            return f"a whole number from 0 to {SEED_MAX}, or 'random'"
        if self.type == "choice":
            return "one of " + ", ".join(self.choices)
        if self.type == "text":
            return f"text of at most {self.max_length} characters"
        return f"a {self.type} name"

    def coerce(self, raw: object) -> object:
        """The typed, checked value for `raw`; raises InvalidParameter saying what is allowed."""
        try:
            value = _COERCE[self.type](self, raw)
        except (TypeError, ValueError):
            raise InvalidParameter(self.name, f"must be {self.allowed()}, got {raw!r}.") from None
        if isinstance(value, (int, float)) and self.type in ("int", "float") and not (
            (self.min is None or value >= self.min) and (self.max is None or value <= self.max)
        ):
            raise InvalidParameter(self.name, f"must be {self.allowed()}, got {_num(value)}.")
        return value


def _num(value: object) -> str:
    return "any" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def _int(spec: ParamSpec, raw: object) -> int:
    return parse_whole(raw)


def _float(spec: ParamSpec, raw: object) -> float:
    return parse_number(raw)


def _seed(spec: ParamSpec, raw: object) -> int | None:
    if raw is None or (isinstance(raw, str) and raw.strip().lower() in ("", "random")):
        return None
    value = _int(spec, raw)
    if not 0 <= value <= SEED_MAX:
        raise ValueError
    return value


def _choice(spec: ParamSpec, raw: object) -> str:
    value = str(raw).strip()
    if value not in spec.choices:
        raise ValueError
    return value


def _text(spec: ParamSpec, raw: object) -> str:
    if not isinstance(raw, str):
        raise TypeError
    refuse_control(raw, spec.name, allowed=MULTILINE)
    if len(raw) > spec.max_length:
        raise InvalidParameter(spec.name, f"is {len(raw)} characters long; at most {spec.max_length} are allowed.")
    return raw


def _name(spec: ParamSpec, raw: object) -> str:
    value = refuse_control(str(raw), spec.name).strip()
    if len(value) > 200:
        raise ValueError
    return value


_COERCE: dict[str, Callable[[ParamSpec, object], object]] = {
    "text": _text, "int": _int, "float": _float, "seed": _seed, "choice": _choice,
    "image": _name, "checkpoint": _name, "lora": _name, "dataset": _name,
}


@dataclass(frozen=True)
class ToolSpec:
    """One command of the catalogue as every platform shows it."""

    name: str
    title: str
    description: str
    kind: ToolKind
    params: tuple[ParamSpec, ...]
    price: PriceRule = field(default_factory=lambda: PriceRule(base=0))
    follow_ups: tuple[FollowUp, ...] = ()  # what its results offer (RETRY is offered by failed jobs of any kind)
    output: OutputKind = OutputKind.IMAGES
    make_with: str = ""  # the tool a text result's MAKE and MINE make a picture with

    def param(self, name: str) -> ParamSpec:
        for spec in self.params:
            if spec.name == name:
                return spec
        raise InvalidParameter(name, f"is not a parameter of /{self.name}. Allowed: {', '.join(self.names())}.")

    def names(self) -> list[str]:
        return [p.name for p in self.params]

    @property
    def prompt_param(self) -> ParamSpec | None:
        """The parameter free text after the command fills: the first required text."""
        return next((p for p in self.params if p.type == "text" and p.required), None) or next(
            (p for p in self.params if p.type == "text"), None
        )

    @property
    def image_param(self) -> ParamSpec | None:
        return next((p for p in self.params if p.type == "image"), None)

    def usual_price(self, settings: dict[str, object]) -> int:
        """The price with the user's settings and the defaults for the rest (a job's own values may differ)."""
        values = {p.name: settings[p.name] if p.settable and p.name in settings else p.default for p in self.params}
        return self.price.quote(values)

    @property
    def captions(self) -> bool:
        """Whether it turns a picture into words, so it can caption a training dataset."""
        return self.output is OutputKind.TEXT and self.image_param is not None

    def validate(self, raw: dict[str, object], defaults: dict[str, object] | None = None,
                 partial: bool = False) -> dict[str, object]:
        """Typed values for every parameter: given ones checked, the rest from `defaults` then the manifest.
        `partial`: a required parameter not given yet is None instead of an error (enough to price a form)."""
        for name in raw:
            self.param(name)
        values: dict[str, object] = {}
        for spec in self.params:
            if spec.name in raw and raw[spec.name] is not None and raw[spec.name] != "":
                values[spec.name] = spec.coerce(raw[spec.name])
            elif defaults and spec.name in defaults and spec.settable:
                values[spec.name] = spec.coerce(defaults[spec.name])
            elif spec.required and not partial:
                raise InvalidParameter(spec.name, f"is required: give {spec.allowed()}.")
            else:
                values[spec.name] = spec.default
        return values


def parse_arguments(text: str, known: Collection[str] | None = None) -> tuple[str, dict[str, str]]:
    """Split chat text into free text and key=value pairs (values may be quoted: negative="dark, blurry"). With
    `known`, only those names are parameters and any other word with '=' stays in the text ("e=mc2"), unless it
    is one letter or two away from a known name, which is refused as a likely typo."""
    pairs: dict[str, str] = {}

    def take(match: re.Match[str]) -> str:
        name = match.group(1).lower()
        if known is not None and name not in known:
            near = difflib.get_close_matches(name, list(known), n=1, cutoff=NEAR_MISS)
            if near:
                raise InvalidParameter(name, f"is not a parameter; did you mean {near[0]}=…? Other words with "
                                             "'=' stay part of the text.")
            return match.group(0)
        pairs[name] = next(g for g in match.groups()[2:] if g is not None)
        return " "

    free = _KEY_VALUE.sub(take, text or "")
    return " ".join(free.split()), pairs
