"""Which follow-ups a template's results may offer: declared in its manifest, else by its kind and output."""
from __future__ import annotations

from typing import Any

from domain.catalogue import FollowUp, ParamSpec, ParamType, ToolKind
from domain.errors import DomainError
from domain.outputs import OutputKind

OFFERED = tuple(f for f in FollowUp if f is not FollowUp.RETRY)  # RETRY is what any failed job offers
_NEEDS_OUTPUT = {FollowUp.VARY: OutputKind.IMAGES, FollowUp.UPSCALE: OutputKind.IMAGES,
                 FollowUp.MAKE: OutputKind.TEXT, FollowUp.MINE: OutputKind.TEXT}


def follow_ups_from_manifest(name: str, kind: ToolKind, output: OutputKind, declared: Any, make_with: str,
                             params: list[ParamSpec]) -> tuple[FollowUp, ...]:
    """What the tool's results offer: declared (`follow_ups = ["reroll", "vary", "upscale"]`), else by kind and
    output; each must make sense: a reroll needs a seed to change, a variation a prompt to keep and a picture,
    a picture from a text result (make, mine) the tool named by `make_with`."""
    has_seed, has_prompt = (any(p.type == t for p in params) for t in (ParamType.SEED, ParamType.TEXT))
    if make_with and output is not OutputKind.TEXT:
        raise DomainError(f"{name}: make_with is for templates whose output is 'text'.")
    if declared is None:  # by kind, where it makes sense
        pictures = {ToolKind.IMAGE: ["reroll"] * has_seed + ["vary"] * has_prompt + ["upscale"],
                    ToolKind.IMAGE_EDIT: ["reroll"] * has_seed}
        declared = pictures.get(kind, []) if output is OutputKind.IMAGES else (
            [] if kind is ToolKind.TRAINING else ["reroll"] * has_seed + ["make"] * bool(make_with))
    if not isinstance(declared, list) or any(d not in OFFERED for d in declared):
        raise DomainError(f"{name}: follow_ups must list some of {', '.join(OFFERED)}; got {declared!r}.")
    if kind is ToolKind.TRAINING and declared:
        raise DomainError(f"{name}: a training template offers no follow-ups; its result is a model.")
    for action in map(FollowUp, declared):
        wanted = _NEEDS_OUTPUT.get(action)
        if wanted is not None and output is not wanted:
            raise DomainError(f"{name}: follow-up '{action}' needs output '{wanted}'; this template's is '{output}'.")
    if "reroll" in declared and not has_seed:
        raise DomainError(f"{name}: follow-up 'reroll' needs a seed parameter (without one it repeats the same).")
    if "vary" in declared and not has_prompt:
        raise DomainError(f"{name}: follow-up 'vary' needs a text parameter (the prompt a variation keeps).")
    if {"make", "mine"} & set(declared) and not make_with:
        raise DomainError(f"{name}: follow-ups 'make' and 'mine' need make_with, the tool that makes the picture.")
    if "mine" in declared and not has_prompt:
        raise DomainError(f"{name}: follow-up 'mine' needs a text parameter (the prompt the user gave).")
    return tuple(FollowUp(d) for d in dict.fromkeys(declared))
