"""The C-speed shortcuts of the signing path equal what they replace."""

from __future__ import annotations

import hashlib
import math
import pickle
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import base58
import pytest
from hypothesis import given
from hypothesis import strategies as st

from edubadge import keys, sign
from edubadge.jsonld import DocumentLoader, check
from edubadge.jsonld.loader import SharedLRU
from edubadge.jsonld.shapes import copy_json
from edubadge.keys.multikey import decode_multibase, encode_multibase
from edubadge.proofs import verify_proofs
from edubadge.proofs.data_integrity import now_utc, parse_datetime
from edubadge.proofs.registry import get_suite

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


_CONFIG_SUITES = ("eddsa-jcs-2022", "eddsa-rdfc-2022", "ecdsa-rdfc-2019")
UNSIGNED = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential"],
    "issuer": "did:example:issuer",
    "credentialSubject": {"id": "did:example:learner"},
}


@given(
    st.sampled_from(_CONFIG_SUITES),
    st.integers(0, 59),
    st.sampled_from(["assertionMethod", "authentication"]),
    st.sampled_from([None, "example.org", ["a.example", "b.example"]]),
)
def test_a_kept_proof_config_hash_is_the_one_computed_afresh(
    name: str, second: int, purpose: str, domain: Any
) -> None:
    suite = get_suite(name)
    loader = DocumentLoader()
    config: dict[str, Any] = {
        "type": "DataIntegrityProof",
        "cryptosuite": name,
        "created": f"2026-12-06T06:00:{second:02d}Z",
        "verificationMethod": keys.from_seed(b"\x01" * 32).id,
        "proofPurpose": purpose,
        "@context": ["https://www.w3.org/ns/credentials/v2"],
    }
    if domain is not None:
        config["domain"] = domain
    afresh = hashlib.sha256(suite.canonicalize(config, loader)).digest()
    assert suite.signing_config_hash(config, loader, "sha256") == afresh
    assert suite.signing_config_hash(config, loader, "sha256") == afresh  # kept
    later = {**config, "created": f"2026-12-06T06:01:{second:02d}Z"}
    assert suite.signing_config_hash(later, loader, "sha256") != afresh
    assert (
        suite.signing_config_hash(config, loader, "sha384")
        == hashlib.sha384(suite.canonicalize(config, loader, hash_name="sha384")).digest()
    )


def test_proofs_signed_in_one_second_canonicalise_their_config_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = keys.generate()
    suite = get_suite("eddsa-rdfc-2022")
    canonicalised: list[dict[str, Any]] = []
    canonicalize = type(suite).canonicalize

    def counting(self: Any, document: dict[str, Any], *args: Any, **kwargs: Any) -> bytes:
        canonicalised.append(document)
        return canonicalize(self, document, *args, **kwargs)

    monkeypatch.setattr(type(suite), "canonicalize", counting)
    options = {"created": "2026-12-06T06:00:00Z"}
    documents = [{**UNSIGNED, "id": f"urn:uuid:{n}"} for n in range(3)]
    signed = [sign(d, key, suite="eddsa-rdfc-2022", options=options) for d in documents]
    configs = [c for c in canonicalised if c.get("type") == "DataIntegrityProof"]
    assert len(configs) == 1
    assert all(outcome.verified for s in signed for outcome in verify_proofs(s))
    assert len([c for c in canonicalised if c.get("type") == "DataIntegrityProof"]) == 4
