"""The little of CBOR (RFC 8949) that Pagefind's index files use: unsigned and negative
integers, byte and text strings, arrays and maps, each in its shortest form, which is how
Pagefind writes them (so decoding and encoding again gives the same bytes)."""

from __future__ import annotations

import struct

Value = int | bytes | str | list["Value"] | dict["Value", "Value"]

_WIDTHS = {24: (1, ">B"), 25: (2, ">H"), 26: (4, ">I"), 27: (8, ">Q")}


def decode(data: bytes, at: int = 0) -> tuple[Value, int]:
    """The value at ``data[at:]`` and where it ends; :class:`ValueError` for anything else."""
    if at >= len(data):
        raise ValueError("CBOR value cut short")
    major, extra = data[at] >> 5, data[at] & 31
    at += 1
    if extra < 24:
        n = extra
    elif extra in _WIDTHS:
        width, fmt = _WIDTHS[extra]
        if at + width > len(data):
            raise ValueError("CBOR value cut short")
        n = struct.unpack(fmt, data[at:at + width])[0]
        at += width
    else:
        raise ValueError(f"CBOR length {extra} is not used by Pagefind")
    if major == 0:
        return n, at
    if major == 1:
        return -1 - n, at
    if major in (2, 3):
        if at + n > len(data):
            raise ValueError("CBOR string cut short")
        chunk = data[at:at + n]
        return (bytes(chunk) if major == 2 else chunk.decode("utf-8")), at + n
    if major == 4:
        items: list[Value] = []
        for _ in range(n):
            item, at = decode(data, at)
            items.append(item)
        return items, at
    if major == 5:
        pairs: dict[Value, Value] = {}
        for _ in range(n):
            key, at = decode(data, at)
            pairs[key], at = decode(data, at)
        return pairs, at
    raise ValueError(f"CBOR major type {major} is not used by Pagefind")


def _head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    for extra, (width, fmt) in _WIDTHS.items():
        if n < 1 << (8 * width):
            return bytes([major << 5 | extra]) + struct.pack(fmt, n)
    raise ValueError(f"{n} is too large for CBOR")


def encode(value: Value) -> bytes:
    """``value`` in CBOR, every length in its shortest form."""
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        text = value.encode("utf-8")
        return _head(3, len(text)) + text
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(encode(v) for v in value)
    return _head(5, len(value)) + b"".join(encode(k) + encode(v) for k, v in value.items())
