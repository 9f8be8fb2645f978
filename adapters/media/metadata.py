"""Drop metadata from a finished result without touching its pixels: PNG text chunks (and the `comf` chunks of
an animated PNG), WebP EXIF/XMP, a WEBM's tags and an MP4's user data.
ComfyUI writes its whole workflow there (prompt, negative prompt, seed, LoRA file names)."""
from __future__ import annotations

import struct

from adapters.media.video_metadata import EBML_MAGIC, blank_mp4_user_data, blank_webm_tags

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_DROPPED = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"comf"}  # comf: SaveAnimatedPNG's workflow, after the frames
WEBP_DROPPED = {b"EXIF", b"XMP "}
VP8X_EXIF_AND_XMP = 0x08 | 0x04


def without_metadata(data: bytes) -> bytes:
    """The same file minus its metadata chunks; a file of another kind (or a malformed one) comes back unchanged."""
    if data.startswith(PNG_SIGNATURE):
        return _png(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp(data)
    if data.startswith(EBML_MAGIC):
        return blank_webm_tags(data)
    if data[4:8] == b"ftyp":
        return blank_mp4_user_data(data)
    return data


def _png(data: bytes) -> bytes:
    kept, position = [PNG_SIGNATURE], len(PNG_SIGNATURE)
    while position + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        end = position + 12 + length
        if end > len(data):
            return data
        if kind not in PNG_DROPPED:
            kept.append(data[position:end])
        position = end
        if kind == b"IEND":
            return b"".join(kept)
    return data


def _webp(data: bytes) -> bytes:
    kept, position = [], 12
    while position + 8 <= len(data):
        kind, length = struct.unpack("<4sI", data[position:position + 8])
        end = position + 8 + length + (length & 1)
        if end > len(data):
            return data
        chunk = data[position:end]
        if kind == b"VP8X":
            chunk = chunk[:8] + bytes([chunk[8] & ~VP8X_EXIF_AND_XMP & 0xFF]) + chunk[9:]
        if kind not in WEBP_DROPPED:
            kept.append(chunk)
        position = end
    body = b"WEBP" + b"".join(kept)
    return b"RIFF" + struct.pack("<I", len(body)) + body
