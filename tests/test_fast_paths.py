"""The C-speed shortcuts of the signing path equal what they replace."""

from __future__ import annotations

import math
import pickle
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import base58
from hypothesis import given
from hypothesis import strategies as st

from edubadge.jsonld import DocumentLoader, check
from edubadge.jsonld.loader import SharedLRU
from edubadge.jsonld.shapes import copy_json
from edubadge.keys.multikey import decode_multibase, encode_multibase
from edubadge.proofs.data_integrity import now_utc, parse_datetime

from .test_fast_route import JSON


@given(st.binary(min_size=1, max_size=96))
def test_multibase_encoding_equals_the_base58_library(data: bytes) -> None:
    encoded = encode_multibase(data)
    assert encoded == "z" + base58.b58encode(data).decode("ascii")
    assert decode_multibase(encoded) == data


def test_multibase_keeps_leading_zero_bytes() -> None:
    assert encode_multibase(b"\0\0\x01") == "z112"
    assert encode_multibase(b"") == "z"


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (NaN equals NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


EXTRA = st.sampled_from([math.nan, math.inf, -0.0, 2**70, (1, 2), "\ud800", True, 1, 1.0])
VALUES = st.recursive(
    st.one_of(JSON, EXTRA),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=3), children, max_size=3)
    ),
    max_leaves=10,
)


@given(VALUES)
def test_copy_is_a_deep_copy_of_the_same_values_and_types(value: Any) -> None:
    copied = copy_json(value)
    assert _same(copied, value)
    if isinstance(value, dict | list) and value:
        assert copied is not value


def test_now_is_an_xml_schema_datetime_in_utc() -> None:
    stamp = now_utc()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp)
    parse_datetime(stamp, what="now")


def test_a_loader_that_remembered_shapes_still_pickles() -> None:
    loader = DocumentLoader()
    document = {"@context": ["https://www.w3.org/ns/credentials/v2"], "name": "Example"}
    for _ in range(3):
        check(document, loader)
    assert loader.compiled
    copy = pickle.loads(pickle.dumps(loader))
    assert copy.compiled == {}
    check(document, copy)


def test_the_loaders_lru_caches_take_many_threads() -> None:
    """cachetools' own LRUCache fails this (KeyError, "OrderedDict mutated during iteration")."""
    cache = SharedLRU(maxsize=8)
    switching = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch often: races show

    def churn(seed: int) -> int:
        for i in range(20_000):
            key = (seed * 7 + i) % 13
            if cache.get(key) is None:
                cache[key] = i
        return len(cache)

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            sizes = list(pool.map(churn, range(8)))
    finally:
        sys.setswitchinterval(switching)
    assert all(size <= 8 for size in sizes)
