"""The status bitstring codec: spec bit order, the W3C and 1EdTech lists, round trips, limits."""

from __future__ import annotations

import base64
import gzip
import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edubadge.errors import StatusListError
from edubadge.status.bitstring import MIN_ENTRIES, Bitstring, decode, encode, get_status

from .shared import load

W3C = "vectors/w3c/bitstring-status-list/"
TESTLIST = "vectors/ob3/examples/validator/ob30/bit-string-list/testlist"


def test_bit_zero_is_the_most_significant_bit_of_byte_zero() -> None:
    bits = Bitstring.zeros(16)
    bits.set(0, 1)
    bits.set(9, 1)
    assert bytes(bits.data) == b"\x80\x40"
    assert [i for i in range(16) if bits.get(i)] == [0, 9]
    two = Bitstring.zeros(8, size=2)
    two.set(0, 1, size=2)
    two.set(3, 2, size=2)
    assert bytes(two.data) == b"\x42\x00"
    assert (two.get(0, 2), two.get(3, 2), two.get(1, 2)) == (1, 2, 0)


@pytest.mark.parametrize("index", range(4))
def test_each_decoded_w3c_list_has_its_documented_bits(index: int) -> None:
    entry = load(W3C + "encodedList-decoded.json")["lists"][index]
    bits = Bitstring.decode(entry["encodedList"])
    assert len(bits) == entry["bitstringBits"]
    assert [i for i, _ in bits.nonzero()] == entry["setIndexes_msbFirst_specOrder"]
    assert hashlib.sha256(bits.data).hexdigest() == entry["bitstringSha256"]
    # Our encoder writes the same GZIP (level 6, mtime 0, OS unix) as the lists' authors.
    assert bits.encode() == entry["encodedList"]


def test_the_50kth_revoked_mock_list_has_index_50007_set_in_spec_order() -> None:
    lists = {e["name"]: e for e in load(W3C + "encodedList-decoded.json")["lists"]}
    mock = Bitstring.decode(lists["digitalbazaar-mock-100k-index-50007-set"]["encodedList"])
    assert mock.get(50007) == 1
    assert mock.get(50000) == 0
    assert list(mock.nonzero()) == [(50007, 1)]
    # Read least-significant-bit first (the wrong order), the same byte gives 50000.
    assert mock.data[50007 // 8] == 0x01


def test_an_empty_list_of_the_minimum_length_encodes_as_the_spec_example() -> None:
    spec_list = load(W3C + "spec-examples/example-BitstringStatusListCredential.json")
    assert Bitstring.zeros(MIN_ENTRIES).encode() == spec_list["credentialSubject"]["encodedList"]


def test_the_spec_appendix_credential_is_not_revoked() -> None:
    status_list = load(W3C + "spec-examples/appendix-status-list-vc.json")
    credential = load(W3C + "spec-examples/appendix-revocable-vc.json")
    bits = Bitstring.decode(status_list["credentialSubject"]["encodedList"])
    index = int(credential["credentialStatus"]["statusListIndex"])
    assert index == 94567 and len(bits) == MIN_ENTRIES
    assert bits.get(index) == 0


def test_the_1edtech_test_list_has_index_23_set() -> None:
    bits = Bitstring.decode(load(TESTLIST)["credentialSubject"]["encodedList"])
    assert len(bits) == MIN_ENTRIES
    assert list(bits.nonzero()) == [(23, 1)]


@st.composite
def statuses(draw: st.DrawFn) -> tuple[int, int, dict[int, int]]:
    size = draw(st.integers(1, 8))
    entries = draw(st.integers(1, 4096))
    values = draw(
        st.dictionaries(st.integers(0, entries - 1), st.integers(1, (1 << size) - 1), max_size=64)
    )
    return size, entries, values


@given(statuses())
def test_encode_decode_round_trip(case: tuple[int, int, dict[int, int]]) -> None:
    size, entries, values = case
    bits = Bitstring.zeros(entries, size)
    bits.set_all(values.items(), size)
    for multibase in (True, False):
        back = Bitstring.decode(bits.encode(multibase=multibase), multibase=multibase)
        assert back.data == bits.data
        assert dict(back.nonzero(size)) == values
        assert all(back.get(i, size) == v for i, v in values.items())
        assert all(get_status(back.data, i, size) == v for i, v in values.items())


@given(st.binary(min_size=1, max_size=512))
def test_any_bytes_round_trip(data: bytes) -> None:
    assert decode(encode(data)) == data


def test_values_and_indexes_outside_the_list_are_refused() -> None:
    bits = Bitstring.zeros(16)
    with pytest.raises(StatusListError, match="outside the list"):
        bits.get(16)
    with pytest.raises(StatusListError, match="outside the list"):
        bits.set(-1, 1)
    with pytest.raises(StatusListError, match="does not fit"):
        bits.set(0, 2)
    with pytest.raises(StatusListError, match="1 to 8"):
        Bitstring.zeros(8, size=9)


@pytest.mark.parametrize(
    ("encoded", "message"),
    [
        ("", "non-empty"),
        ("zH4sI", "prefix 'u'"),
        ("u!!!", "not base64url"),
        ("u" + base64.urlsafe_b64encode(b"plain text").decode().rstrip("="), "not GZIP"),
        (
            "u" + base64.urlsafe_b64encode(gzip.compress(b"\0" * 16) + b"junk").decode(),
            "one complete GZIP member",
        ),
    ],
)
def test_malformed_encoded_lists_are_refused(encoded: str, message: str) -> None:
    with pytest.raises(StatusListError, match=message):
        decode(encoded)


def test_a_gzip_bomb_stops_at_the_size_limit() -> None:
    bomb = encode(bytes(4 * 1024 * 1024))  # 4 MiB of zeros: a few KB compressed
    assert len(bomb) < 10_000
    with pytest.raises(StatusListError, match="larger than"):
        decode(bomb, max_bytes=1024 * 1024)
    assert len(decode(bomb)) == 4 * 1024 * 1024
