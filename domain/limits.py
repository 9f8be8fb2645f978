"""A template's limits: how long a job may run and how large a picture it may take or make."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.errors import DomainError, InvalidParameter

# Minutes for pictures, hours for training; 4096 x 4096 pixels in and out.
DEFAULT_TIMEOUT_S = {"image": 600.0, "image-edit": 600.0, "training": 6 * 3600.0}
DEFAULT_MAX_PIXELS = 4096 * 4096


@dataclass(frozen=True)
class Limits:
    timeout_s: float = 600.0
    max_output_pixels: int = DEFAULT_MAX_PIXELS
    output_scale: float | str = 1.0  # a fixed factor (a 4x model), or the parameter that holds it

    def check_input(self, tool: str, param: str, width: int, height: int) -> None:
        if width * height > self.max_output_pixels:
            raise InvalidParameter(param, f"the picture is {width}×{height} ({_mp(width * height)}); /{tool} "
                                          f"takes at most {_mp(self.max_output_pixels)}. Send a smaller one.")

    def check_output(self, tool: str, values: dict[str, Any], input_size: tuple[int, int] | None) -> None:
        """Refuse, before anything is charged, a job whose picture would be larger than the limit."""
        scale = float(values.get(self.output_scale) or 1.0) if isinstance(self.output_scale, str) \
            else self.output_scale
        if input_size is not None:
            width, height = (round(side * scale) for side in input_size)
        elif isinstance(values.get("width"), int) and isinstance(values.get("height"), int):
            width, height = values["width"], values["height"]
        else:
            return
        if width * height > self.max_output_pixels:
            raise DomainError(f"/{tool} would make a {width}×{height} picture ({_mp(width * height)}); it makes "
                              f"at most {_mp(self.max_output_pixels)}. Start from a smaller picture. "
                              "Nothing was charged.")


def limits_from_manifest(raw: dict[str, Any], kind: str, names: set[str], tool: str) -> Limits:
    """The manifest's [limits] table, each value checked; what it leaves out takes the kind's default."""
    timeout = float(raw.get("timeout_s", DEFAULT_TIMEOUT_S[kind]))
    pixels = int(raw.get("max_output_pixels", DEFAULT_MAX_PIXELS))
    scale = raw.get("output_scale", 1.0)
    if timeout <= 0 or pixels <= 0:
        raise DomainError(f"{tool}: limits timeout_s and max_output_pixels must be positive.")
    if isinstance(scale, str) and scale not in names:
        raise DomainError(f"{tool}: limits output_scale names '{scale}', which is not one of its number parameters.")
    if not isinstance(scale, str) and float(scale) <= 0:
        raise DomainError(f"{tool}: limits output_scale must be a positive factor or a parameter's name.")
    return Limits(timeout, pixels, scale if isinstance(scale, str) else float(scale))


def _mp(pixels: int) -> str:
    return f"{pixels / 1e6:.1f} megapixels"


def duration(seconds: float) -> str:
    """'10 minutes', '6 hours', '30 seconds'."""
    amount, unit = next((seconds / size, unit) for size, unit in ((3600, "hour"), (60, "minute"), (1, "second"))
                        if seconds >= size or size == 1)
    return f"{amount:g} {unit}{'' if amount == 1 else 's'}"
