"""The status bitstring of Bitstring Status List v1.0: GZIP, base64url, multibase `u`.

Index 0 is the left-most bit: the most significant bit of byte 0. A status of `size` bits
occupies bits `index * size` to `index * size + size - 1`, read most significant bit first.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from collections.abc import Iterable, Iterator

from ..errors import StatusListError

MIN_ENTRIES = 131_072  # the spec's minimum list length (16 KB of single-bit statuses)
MAX_BITSTRING_BYTES = 16 * 1024 * 1024  # refuse larger lists (a GZIP bomb stops here)
MULTIBASE_BASE64URL = "u"


class Bitstring:
    """A mutable bitstring of status values, `size` bits per entry (1 to 8)."""

    __slots__ = ("data",)

    def __init__(self, data: bytes | bytearray) -> None:
        self.data = bytearray(data)

    @classmethod
    def zeros(cls, entries: int, size: int = 1) -> Bitstring:
        """An all-zero bitstring for `entries` statuses of `size` bits (whole bytes)."""
        if entries < 1 or not 1 <= size <= 8:
            raise StatusListError("a list needs entries >= 1 and a status size of 1 to 8 bits")
        return cls(bytes(-(-entries * size // 8)))

    @classmethod
    def decode(
        cls, encoded: str, *, multibase: bool = True, max_bytes: int = MAX_BITSTRING_BYTES
    ) -> Bitstring:
        """Expand an `encodedList` (Bitstring Status List: multibase; StatusList2021: bare)."""
        return cls(decode(encoded, multibase=multibase, max_bytes=max_bytes))

    def __len__(self) -> int:
        return len(self.data) * 8

    def entries(self, size: int = 1) -> int:
        """How many statuses of `size` bits the bitstring holds."""
        return len(self) // size

    def get(self, index: int, size: int = 1) -> int:
        """The status value at `index` (an entry of `size` bits)."""
        return get_status(self.data, index, size)

    def set(self, index: int, value: int, size: int = 1) -> None:
        """Set the status at `index` to `value` (0 <= value < 2**size)."""
        start = _start(len(self.data), index, size)
        if not 0 <= value < 1 << size:
            raise StatusListError(f"status value {value} does not fit in {size} bits")
        for offset in range(size):
            bit = start + offset
            mask = 0x80 >> (bit & 7)
            if value >> (size - 1 - offset) & 1:
                self.data[bit >> 3] |= mask
            else:
                self.data[bit >> 3] &= ~mask

    def set_all(self, statuses: Iterable[tuple[int, int]], size: int = 1) -> None:
        """Set many statuses from (index, value) pairs, e.g. rows streamed from a store."""
        for index, value in statuses:
            self.set(index, value, size)

    def nonzero(self, size: int = 1) -> Iterator[tuple[int, int]]:
        """(index, value) of every status that is not 0, in index order."""
        last, count = -1, self.entries(size)
        for byte_index, byte in enumerate(self.data):
            if not byte:
                continue
            first = max(byte_index * 8 // size, last + 1)
            for index in range(first, min(((byte_index + 1) * 8 - 1) // size + 1, count)):
                value = self.get(index, size)
                if value:
                    yield index, value
                last = index

    def encode(self, *, multibase: bool = True) -> str:
        """The `encodedList` form: GZIP, base64url without padding, prefixed `u` if multibase."""
        return encode(self.data, multibase=multibase)


def _start(length: int, index: int, size: int) -> int:
    if not 1 <= size <= 8:
        raise StatusListError(f"status size {size} is not 1 to 8 bits")
    start = index * size
    if index < 0 or start + size > length * 8:
        raise StatusListError(
            f"status index {index} is outside the list ({length * 8 // size} entries)"
        )
    return start


def get_status(data: bytes | bytearray, index: int, size: int = 1) -> int:
    """The value of the `size`-bit status at `index` (bit 0 = most significant bit of byte 0)."""
    if size == 1 and 0 <= index < len(data) * 8:
        return data[index >> 3] >> (7 - (index & 7)) & 1
    start = _start(len(data), index, size)
    value = 0
    for bit in range(start, start + size):
        value = value << 1 | (data[bit >> 3] >> (7 - (bit & 7)) & 1)
    return value


def encode(data: bytes | bytearray, *, multibase: bool = True) -> str:
    """GZIP (mtime 0, OS unix), base64url without padding, with the multibase prefix `u`."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)  # 31: a GZIP header and trailer
    compressed = compressor.compress(bytes(data)) + compressor.flush()
    text = base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")
    return MULTIBASE_BASE64URL + text if multibase else text


def decode(encoded: str, *, multibase: bool = True, max_bytes: int = MAX_BITSTRING_BYTES) -> bytes:
    """The bitstring of an `encodedList`; a `StatusListError` says what is wrong with it."""
    if not isinstance(encoded, str) or not encoded:
        raise StatusListError("encodedList must be a non-empty string")
    if multibase:
        if encoded[0] != MULTIBASE_BASE64URL:
            raise StatusListError(
                f"encodedList must be multibase base64url (prefix 'u'), not {encoded[:1]!r}"
            )
        encoded = encoded[1:]
    text = encoded.rstrip("=")
    try:
        compressed = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise StatusListError("encodedList is not base64url") from None
    inflater = zlib.decompressobj(31)
    try:
        data = inflater.decompress(compressed, max_bytes + 1)
    except zlib.error as error:
        raise StatusListError(f"encodedList is not GZIP data: {error}") from None
    if len(data) > max_bytes:
        raise StatusListError(f"the status list is larger than {max_bytes} bytes uncompressed")
    if not inflater.eof or inflater.unused_data:
        raise StatusListError("encodedList is not one complete GZIP member")
    return data
