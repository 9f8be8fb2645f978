"""Blank the metadata a video container holds (ComfyUI writes its workflow there) without moving a byte: a WEBM's
Tags become an EBML Void element, an MP4's user data box a `free` box, so every offset in the file stays right."""
from __future__ import annotations

import struct

EBML_MAGIC = b"\x1a\x45\xdf\xa3"
SEGMENT, TAGS, VOID = 0x18538067, 0x1254C367, 0xEC


def blank_webm_tags(data: bytes) -> bytes:
    """Every top-level Tags element of the Segment overwritten by a Void of the same length."""
    out = bytearray(data)
    position = _skip(data, 0)  # the EBML header
    while position is not None and position < len(data):
        element, body, end = _element(data, position)
        if element is None:
            break
        if element == SEGMENT:
            child = body
            while child < min(end, len(data)):
                kind, _, child_end = _element(data, child)
                if kind is None or child_end > len(data):
                    break
                if kind == TAGS:
                    out[child:child_end] = _void(child_end - child)
                child = child_end
        position = end
    return bytes(out)


def blank_mp4_user_data(data: bytes) -> bytes:
    """moov/udta (where titles, comments and ComfyUI's prompt go) emptied and renamed `free`: players skip it."""
    out = bytearray(data)
    for start, kind, body, end in _boxes(data, 0, len(data)):
        if kind == b"moov":
            for inner, inner_kind, inner_body, inner_end in _boxes(data, body, end):
                if inner_kind in (b"udta", b"meta"):
                    out[inner + 4:inner + 8] = b"free"
                    out[inner_body:inner_end] = bytes(inner_end - inner_body)
    return bytes(out)


def _vint(data: bytes, position: int, keep_marker: bool) -> tuple[int, int] | None:
    if position >= len(data) or data[position] == 0:
        return None
    width = 9 - data[position].bit_length()
    if position + width > len(data):
        return None
    value = int.from_bytes(data[position:position + width], "big")
    return (value if keep_marker else value & ((1 << (7 * width)) - 1)), position + width


def _element(data: bytes, position: int) -> tuple[int | None, int, int]:
    """(element id, where its body starts, where it ends); an unknown size runs to the end of the file."""
    found = _vint(data, position, keep_marker=True)
    size = _vint(data, found[1], keep_marker=False) if found else None
    if found is None or size is None:
        return None, position, len(data)
    width = size[1] - found[1]
    unknown = size[0] == (1 << (7 * width)) - 1
    return found[0], size[1], len(data) if unknown else size[1] + size[0]


def _skip(data: bytes, position: int) -> int | None:
    element, _, end = _element(data, position)
    return end if element is not None else None


def _void(length: int) -> bytes:
    """A Void element exactly `length` bytes long (its size written in 8 bytes, or 1 when that is all there is)."""
    if length >= 9:
        return bytes([VOID]) + ((1 << 56) | (length - 9)).to_bytes(8, "big") + bytes(length - 9)
    return bytes([VOID, 0x80 | (length - 2)]) + bytes(length - 2)


def _boxes(data: bytes, start: int, end: int):
    position = start
    while position + 8 <= end:
        size, kind = struct.unpack(">I4s", data[position:position + 8])
        header = 8
        if size == 1 and position + 16 <= end:
            size, header = struct.unpack(">Q", data[position + 8:position + 16])[0], 16
        elif size == 0:
            size = end - position
        if size < header or position + size > end:
            return
        yield position, kind, position + header, position + size
        position += size
