"""Animations and videos lose ComfyUI's workflow like pictures do, and still play: an animated PNG's `comf` chunks,
a WEBM's tags and an MP4's user data are blanked, every frame kept."""
from __future__ import annotations

import io
import json

import av
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from adapters.media.metadata import without_metadata

PROMPT = json.dumps({"6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a secret prompt"}}})
FRAMES = [Image.new("RGB", (64, 64), (200, 20, 20)), Image.new("RGB", (64, 64), (20, 20, 200))]


def video(container_format: str, codec: str) -> bytes:
    out = io.BytesIO()
    # ComfyUI's SaveVideo asks the MP4 muxer to keep its own keys ("prompt") with movflags=use_metadata_tags
    with av.open(out, "w", format=container_format, options={"movflags": "use_metadata_tags"}) as container:
        container.metadata["prompt"] = PROMPT
        stream = container.add_stream(codec, rate=6)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        for frame in FRAMES:
            container.mux(stream.encode(av.VideoFrame.from_image(frame)))
        container.mux(stream.encode())
    return out.getvalue()


def frames_of(data: bytes) -> list[Image.Image]:
    with av.open(io.BytesIO(data)) as container:
        return [frame.to_image() for frame in container.decode(video=0)]


def test_an_animated_png_loses_its_comf_chunks_and_keeps_every_frame():
    metadata = PngInfo()
    metadata.add(b"comf", b"prompt\0" + PROMPT.encode(), after_idat=True)
    out = io.BytesIO()
    FRAMES[0].save(out, "PNG", pnginfo=metadata, save_all=True, append_images=FRAMES[1:], duration=100)
    clean = without_metadata(out.getvalue())
    assert b"secret" in out.getvalue() and b"secret" not in clean and b"comf" not in clean
    with Image.open(io.BytesIO(clean)) as animation:
        assert animation.n_frames == 2


def test_a_webm_loses_its_tags_in_place_and_still_plays_every_frame():
    data = video("webm", "libvpx-vp9")
    clean = without_metadata(data)
    assert b"secret" in data and b"secret" not in clean and len(clean) == len(data)
    assert len(frames_of(clean)) == 2 and frames_of(clean)[1].getpixel((32, 32))[2] > 150


def test_an_mp4_loses_its_user_data_in_place_and_still_plays_every_frame():
    data = video("mp4", "libx264")
    clean = without_metadata(data)
    assert b"secret" in data and b"secret" not in clean and len(clean) == len(data)
    assert len(frames_of(clean)) == 2


def test_a_damaged_video_comes_back_unchanged():
    broken = video("webm", "libvpx-vp9")[:40]
    assert without_metadata(broken) == broken
