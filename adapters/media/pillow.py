"""PillowMedia: the media port on Pillow."""
from __future__ import annotations

from adapters.media import checks
from adapters.media.animation import animated_gif
from adapters.media.contact_sheet import contact_sheet
from adapters.media.encoding import bare_pixels, encode
from adapters.media.fingerprint import fingerprint
from adapters.media.fit import fit
from adapters.media.metadata import without_metadata
from ports.media import CleanImage, ImageInfo, MediaRejected

_FORMATS = {"png": ("PNG", {}), "jpeg": ("JPEG", {"quality": 95}), "webp": ("WEBP", {"quality": 95})}


class PillowMedia:
    def __init__(self, max_bytes: int = 20_000_000, max_pixels: int = 50_000_000):
        self.max_bytes = max_bytes
        self.max_pixels = max_pixels

    def inspect(self, data: bytes) -> ImageInfo:
        """Describe the image from its header alone."""
        with checks.open_header(data, self.max_pixels) as image:
            return ImageInfo(image.width, image.height, image.format or "", len(data))

    def clean(self, data: bytes) -> CleanImage:
        checks.refuse_oversized(data, self.max_bytes)
        with checks.open_header(data, self.max_pixels) as image:
            extension = checks.extension_of(image)
            checks.refuse_bomb(image, self.max_pixels)
            checks.refuse_small(image)
            pixels = bare_pixels(checks.decode(image, self.max_pixels))
        pillow_format, options = _FORMATS[extension]
        cleaned = encode(pixels, pillow_format, **options)
        return CleanImage(cleaned, ImageInfo(pixels.width, pixels.height, pillow_format, len(cleaned)), extension)

    def contact_sheet(self, images: list[bytes], labels: list[str]) -> bytes:
        return contact_sheet(images, labels)

    def fit(self, data: bytes, max_bytes: int, max_side_sum: int | None = None) -> bytes | None:
        """None too when the data is not an image that can be opened safely."""
        try:
            with checks.open_header(data, self.max_pixels) as image:
                checks.refuse_bomb(image, self.max_pixels)
                pixels = bare_pixels(checks.decode(image, self.max_pixels))
        except MediaRejected:
            return None
        return fit(pixels, max_bytes, max_side_sum)

    def without_metadata(self, data: bytes) -> bytes:
        return without_metadata(data)

    def fingerprint(self, data: bytes) -> int:
        with checks.open_header(data, self.max_pixels) as image:
            checks.refuse_bomb(image, self.max_pixels)
            return fingerprint(checks.decode(image, self.max_pixels))

    def animated_gif(self, data: bytes) -> bytes | None:
        try:
            with checks.open_header(data, self.max_pixels) as image:
                checks.refuse_bomb(image, self.max_pixels)
                return animated_gif(image)
        except (MediaRejected, OSError, ValueError):
            return None
