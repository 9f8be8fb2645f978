"""Turn decoded pixels into bare sRGB pixels and encode them, carrying no metadata along."""
from __future__ import annotations

import io

from PIL import Image, ImageCms

_SRGB = ImageCms.createProfile("sRGB")


def bare_pixels(image: Image.Image) -> Image.Image:
    """A new RGB or RGBA image holding only the pixels: no EXIF, ICC profile, text chunks or comments."""
    image = _to_srgb(image)
    if image.mode in ("I", "I;16", "I;16B", "I;16L"):
        # 16-bit greyscale would clip to white if converted to 8 bits directly.
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    mode = "RGBA" if image.has_transparency_data else "RGB"
    bare = Image.new(mode, image.size)
    bare.paste(image.convert(mode))
    return bare


def flattened(image: Image.Image) -> Image.Image:
    """Transparent parts laid on white, for formats without an alpha channel."""
    if image.mode != "RGBA":
        return image
    background = Image.new("RGB", image.size, "white")
    background.paste(image, mask=image.getchannel("A"))
    return background


def encode(image: Image.Image, format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert from an embedded colour profile (a phone's Display P3, a print CMYK) before it is dropped."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        converted = ImageCms.profileToProfile(image, ImageCms.ImageCmsProfile(io.BytesIO(profile)), _SRGB,
                                              outputMode="RGBA" if image.mode == "RGBA" else "RGB")
        return converted or image
    except (ImageCms.PyCMSError, OSError):
        return image
