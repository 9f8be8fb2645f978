import io
import os
import struct
import zlib

import pytest
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

from adapters.media.pillow import PillowMedia
from ports.media import ImageInfo, MediaRejected

ORIENTATION = 0x0112


def encoded(format: str, size=(100, 80), mode="RGB", colour=(200, 30, 30), **options) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, format=format, **options)
    return buffer.getvalue()


def noisy(size, format="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(buffer, format=format)
    return buffer.getvalue()


def png_header_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims the size but whose pixel data is a few junk bytes."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"junk") + chunk(b"IEND", b"")


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def refusal(data: bytes, media=None) -> str:
    with pytest.raises(MediaRejected) as refused:
        (media or PillowMedia()).clean(data)
    return str(refused.value)


# -- refusals -------------------------------------------------------------------

def test_a_file_over_the_byte_limit_is_refused_with_its_size_and_the_limit():
    assert refusal(b"\0" * 23_400_000) == "The file is 23.4 MB; at most 20 MB is allowed."


def test_something_that_is_not_an_image_is_refused_naming_the_allowed_formats():
    assert refusal(b"%PDF-1.7 not a picture at all") == "This is not an image: send PNG, JPEG or WebP."


def test_a_gif_is_refused_saying_gifs_are_not_accepted():
    assert refusal(encoded("GIF")) == "GIF images are not accepted, animated or not: send PNG, JPEG or WebP."


def test_another_image_format_is_refused_by_name():
    assert refusal(encoded("BMP")) == "BMP images are not accepted: send PNG, JPEG or WebP."


@pytest.mark.parametrize("format", ["PNG", "JPEG", "WEBP"])
def test_a_truncated_image_is_refused_as_damaged(format):
    data = noisy((300, 300), format)
    message = refusal(data[: len(data) // 2])
    assert message == "The image is damaged or cut short: send the complete file as PNG, JPEG or WebP."


def test_a_decompression_bomb_is_refused_from_its_header_without_decoding():
    message = refusal(png_header_claiming(10_000, 10_000))
    assert message == "The image is 10000 × 10000 pixels (100 megapixels); at most 50 megapixels are allowed."


def test_a_bomb_past_pillows_own_limit_is_refused_too():
    message = refusal(png_header_claiming(20_000, 20_000))
    assert message == "The image has too many pixels to open safely; at most 50 megapixels are allowed."


def test_the_pixel_limit_is_configurable():
    message = refusal(encoded("PNG", size=(200, 100)), PillowMedia(max_pixels=10_000))
    assert message == "The image is 200 × 100 pixels (0.02 megapixels); at most 0.01 megapixels are allowed."


def test_an_image_under_64_pixels_on_a_side_is_refused():
    message = refusal(encoded("PNG", size=(40, 100)))
    assert message == "The image is 40 × 100 pixels; each side must be at least 64 pixels."


# -- cleaning -------------------------------------------------------------------

@pytest.mark.parametrize("format, extension", [("PNG", "png"), ("JPEG", "jpeg"), ("WEBP", "webp")])
def test_each_accepted_format_comes_back_in_the_same_format(format, extension):
    clean = PillowMedia().clean(encoded(format))
    assert clean.extension == extension
    assert clean.info == ImageInfo(100, 80, format, len(clean.data))
    assert opened(clean.data).format == format


def test_the_exif_orientation_is_applied():
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # rotate 90° clockwise to display
    clean = PillowMedia().clean(encoded("JPEG", size=(200, 100), exif=exif.tobytes()))
    assert (clean.info.width, clean.info.height) == (100, 200)
    assert opened(clean.data).size == (100, 200)


def test_exif_and_comments_are_stripped_from_a_jpeg():
    exif = Image.Exif()
    exif[0x010F] = "Phone maker"  # Make
    exif[0x9286] = "home address"  # UserComment
    original = encoded("JPEG", exif=exif.tobytes(), comment=b"secret")
    assert opened(original).getexif() and opened(original).info["comment"] == b"secret"
    image = opened(PillowMedia().clean(original).data)
    assert not image.getexif()
    assert "exif" not in image.info and "comment" not in image.info


def test_text_chunks_and_colour_profiles_are_stripped_from_a_png():
    text = PngInfo()
    text.add_text("prompt", "the whole ComfyUI workflow")
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    original = encoded("PNG", pnginfo=text, icc_profile=profile)
    assert opened(original).text and "icc_profile" in opened(original).info
    image = opened(PillowMedia().clean(original).data)
    assert image.text == {}
    assert "icc_profile" not in image.info


def test_a_png_with_transparency_keeps_its_alpha_channel():
    clean = PillowMedia().clean(encoded("PNG", mode="RGBA", colour=(0, 0, 255, 100)))
    assert opened(clean.data).getpixel((5, 5)) == (0, 0, 255, 100)


def test_a_greyscale_jpeg_becomes_rgb():
    clean = PillowMedia().clean(encoded("JPEG", mode="L", colour=128))
    assert opened(clean.data).mode == "RGB"


def test_a_16_bit_greyscale_png_keeps_its_tones():
    clean = PillowMedia().clean(encoded("PNG", mode="I;16", colour=32768))
    assert opened(clean.data).getpixel((5, 5)) == (128, 128, 128)


# -- inspect --------------------------------------------------------------------

def test_inspect_describes_an_image_from_its_header():
    data = encoded("WEBP", size=(300, 200))
    assert PillowMedia().inspect(data) == ImageInfo(300, 200, "WEBP", len(data))


def test_inspect_refuses_what_is_not_an_image():
    with pytest.raises(MediaRejected, match="This is not an image"):
        PillowMedia().inspect(b"just text")


# -- contact sheets -------------------------------------------------------------

def test_a_contact_sheet_is_one_png_with_five_thumbnails_a_row():
    images = [encoded("JPEG", size=(400 + 50 * n, 300)) for n in range(7)]
    labels = [f"{n}. a caption far too long to fit under a thumbnail of 256 pixels" for n in range(1, 8)]
    sheet = opened(PillowMedia().contact_sheet(images, labels))
    assert sheet.format == "PNG"
    assert sheet.size == (8 + 5 * (256 + 8), 8 + 2 * (256 + 22 + 8))


def test_each_thumbnail_has_its_label_drawn_under_it():
    sheet = opened(PillowMedia().contact_sheet([encoded("PNG")], ["1. a cat"])).convert("L")
    label_band = sheet.crop((8, 8 + 256, 8 + 256, 8 + 256 + 22))
    assert label_band.getextrema()[0] < 100  # dark text on white


# -- fitting --------------------------------------------------------------------

def test_fit_shrinks_a_large_noisy_image_under_a_byte_limit():
    data = noisy((1500, 1500))
    assert len(data) > 6_000_000
    fitted = PillowMedia().fit(data, max_bytes=1_000_000)
    assert fitted is not None and len(fitted) <= 1_000_000
    assert opened(fitted).format in ("PNG", "JPEG")


def test_fit_scales_down_to_a_side_sum_keeping_the_aspect_ratio():
    fitted = PillowMedia().fit(encoded("PNG", size=(3000, 1000)), max_bytes=10_000_000, max_side_sum=2000)
    width, height = opened(fitted).size
    assert width + height <= 2000
    assert abs(width / height - 3) < 0.01


def test_fit_keeps_an_image_that_already_fits_at_full_size():
    fitted = PillowMedia().fit(encoded("PNG", size=(640, 480)), max_bytes=10_000_000, max_side_sum=10_000)
    assert opened(fitted).size == (640, 480)


def test_fit_returns_none_when_the_image_cannot_be_made_small_enough():
    assert PillowMedia().fit(noisy((500, 500)), max_bytes=100) is None


def test_fit_returns_none_for_something_that_is_not_an_image():
    assert PillowMedia().fit(b"not an image", max_bytes=10_000_000) is None
