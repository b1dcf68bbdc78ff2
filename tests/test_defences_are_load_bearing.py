"""Each defence of docs/security.md is load-bearing: the attack is refused, and with that one
defence patched to a permissive no-op (and every other defence left on) the same attack gets
through, or, where a second layer also stops it (defence in depth), is refused by that layer.

A case is one row of `CASES`: the attack, the defence lifted, and what then happens. Its
`attempt` runs the attack against the real code and returns None when the attack got through
(verified, parsed, fetched, loaded) or the text of the refusal.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import os
import stat
import types
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

import edubadge
from edubadge import keys, parsing, presentations, verifier
from edubadge.envelopes import jose
from edubadge.errors import EdubadgeError
from edubadge.issuer import Issuer
from edubadge.jsonld import loader as jsonld_loader
from edubadge.jsonld.rdfc import canonical_nquads
from edubadge.keys import keyfile, multikey, resolve
from edubadge.keys.ecdsa import EcdsaCurve
from edubadge.keys.keypair import KeyPair
from edubadge.model import Organisation, load_microcredential
from edubadge.net import https
from edubadge.net.https import HttpsFetcher
from edubadge.parsing import MAX_DEPTH, MAX_DOCUMENT_BYTES
from edubadge.proofs import data_integrity
from edubadge.proofs.registry import get_suite

from .poison import poison_statements
from .shared import ROOT
from .tls_servers import PUBLIC_ADDRESS, LocalServer, Pki, Route, RoutedFetcher, make_pki, resolver

NOW = datetime(2030, 1, 1, tzinfo=UTC)
ISSUER = keys.from_seed(b"\x41" * 32)
OTHER = keys.from_seed(b"\x42" * 32)
P256 = keys.generate("P-256")
ATTACKER_CONTEXT = "https://attacker.example/context.jsonld"
SECRET = b'{"id": "secret"}'
JSON = ("application/json",)

Outcome = str | None  # None: the attack got through; otherwise why it was refused


# --- artifacts ------------------------------------------------------------------------------


def _unsigned(key: KeyPair = ISSUER) -> dict[str, Any]:
    record = load_microcredential(ROOT / "examples" / "microcredential.json")
    profile = Organisation(id=key.controller, name="Example University", country="BE")
    return Issuer(profile, key).credential(record)


@cache
def _signed_once(suite: str, key: KeyPair, options: tuple[tuple[str, str], ...]) -> str:
    signed = edubadge.sign(_unsigned(key), key, suite=suite, options=dict(options) or None)
    return json.dumps(signed)


def _signed(
    suite: str = "eddsa-rdfc-2022", key: KeyPair = ISSUER, **options: str
) -> dict[str, Any]:
    """A fresh copy of the example credential signed by `key` (its own issuer)."""
    return dict(json.loads(_signed_once(suite, key, tuple(sorted(options.items())))))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _token(header: dict[str, Any], payload: dict[str, Any], sign: Callable[[bytes], bytes]) -> str:
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    return f"{signing_input}.{_b64(sign(signing_input.encode()))}"


def _verdict(result: edubadge.VerificationResult) -> Outcome:
    return None if result.verified else "; ".join(p.detail for p in result.problems)


def _verify(document: Any, **options: Any) -> Outcome:
    return _verdict(edubadge.verify(document, now=NOW, **options))


def _parses(raw: bytes) -> Outcome:
    """The `parse` check of `verify()` (what the size, depth and number limits guard)."""
    check = edubadge.verify(raw, now=NOW).check("parse")
    return None if check.outcome == "passed" else check.problems[0].detail


# --- the lab: local TLS servers on 127.0.0.1, started only by the cases that need them ---------


class Lab:
    """What a case may need: a temporary folder, a test CA, local https servers."""

    def __init__(self, tmp_path: Path, stack: ExitStack) -> None:
        self.tmp_path = tmp_path
        self._stack = stack
        self._pki: Pki | None = None

    @property
    def pki(self) -> Pki:
        if self._pki is None:
            self._pki = make_pki(self.tmp_path)
        return self._pki

    def server(self, routes: dict[str, Route]) -> LocalServer:
        return self._stack.enter_context(LocalServer(routes, self.pki))

    def fetcher(
        self, routes: dict[str, int], dns: dict[str, Sequence[Sequence[str]]]
    ) -> RoutedFetcher:
        """A fetcher on the simulated internet: `routes` map addresses to local servers."""
        return RoutedFetcher(routes, ca_file=str(self.pki.ca_file), resolver=resolver(dns))


def _fetch(lab: Lab, fetch: Callable[[Lab], bytes]) -> Outcome:
    try:
        body = fetch(lab)
    except EdubadgeError as error:
        return f"{type(error).__name__}: {error.message}"
    assert body, "a fetch that got through returns the body"
    return None


# --- the attacks ------------------------------------------------------------------------------


def attack_unknown_context(lab: Lab) -> Outcome:
    """An attacker-hosted context renames `name` to `title`: the same quads, other JSON."""
    signed = _signed()
    signed["@context"].append(ATTACKER_CONTEXT)
    signed["title"] = signed.pop("name")
    return _verify(signed)


def attack_inline_rename(lab: Lab) -> Outcome:
    signed = _signed()
    signed["@context"].append({"title": "https://schema.org/name"})
    signed["title"] = signed.pop("name")
    return _verify(signed)


def attack_inline_base(lab: Lab) -> Outcome:
    """`@base` in an inline context lets a relative id stand for the signed absolute one."""
    signed = _signed()
    achievement = signed["credentialSubject"]["achievement"]
    base, _, last = achievement["id"].rpartition("/")
    signed["@context"].append({"@base": base + "/"})
    achievement["id"] = last
    return _verify(signed)


def attack_type_alias(lab: Lab) -> Outcome:
    """`@type` for `type`: the same quads, but a JSON reader sees no type."""
    signed = _signed()
    signed["credentialSubject"]["@type"] = signed["credentialSubject"].pop("type")
    return _verify(signed)


def attack_type_alias_in_a_plain_credential(lab: Lab) -> Outcome:
    """The same, in a VC 2.0 credential that no OB 3.0 class check looks at."""
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": ISSUER.controller,
        "credentialSubject": {"id": "did:example:learner", "type": ["https://schema.org/Person"]},
    }
    signed = edubadge.sign(document, ISSUER, suite="eddsa-rdfc-2022")
    signed["credentialSubject"]["@type"] = signed["credentialSubject"].pop("type")
    return _verify(signed)


def attack_type_as_string(lab: Lab) -> Outcome:
    signed = _signed()
    signed["credentialSubject"]["achievement"]["type"] = "Achievement"
    return _verify(signed)


def attack_repeated_context(lab: Lab) -> Outcome:
    """The VC context listed again: JSON-LD applies it twice to the same effect, so the
    RDFC-1.0 statements and the signature stay as they were; a JSON reader sees a change."""
    signed = _signed()
    signed["@context"].append(signed["@context"][0])
    return _verify(signed)


def attack_duplicate_key(lab: Lab) -> Outcome:
    """Two `name`s: Python keeps the signed last one, another reader shows the forged first."""
    text = json.dumps(_signed())
    return _verify(text.replace('"name": ', '"name": "Forged Diploma", "name": ', 1).encode())


def attack_non_utf8(lab: Lab) -> Outcome:
    """A stray byte inside a value that a lenient decoder drops and a display shows."""
    text = json.dumps(_signed()).encode()
    return _verify(text.replace(b'"name": "', b'"name": "\xff', 1))


def attack_huge_integer(lab: Lab) -> Outcome:
    """2**53 + 1: exact in Python, 2**53 in JavaScript."""
    return _parses(b'{"credits": 9007199254740993}')


def attack_nan(lab: Lab) -> Outcome:
    return _parses(b'{"credits": NaN}')


def attack_deep_nesting(lab: Lab) -> Outcome:
    return _parses(b'{"a": ' * (MAX_DEPTH + 1) + b"1" + b"}" * (MAX_DEPTH + 1))


def attack_large_document(lab: Lab) -> Outcome:
    return _parses(b'{"a": "' + b"x" * MAX_DOCUMENT_BYTES + b'"}')


def attack_poison_graph(lab: Lab) -> Outcome:
    """Six blank nodes all alike and all linked: RDFC-1.0's N-degree hashing explodes. (As
    JSON-LD they need blank node labels, which safe mode refuses first: the statements go to
    RDFC-1.0 directly, as from any other source.)"""
    try:
        assert "_:c14n" in canonical_nquads(poison_statements(6))
    except EdubadgeError as error:
        return error.message
    return None


def attack_alg_none(lab: Lab) -> Outcome:
    return _verify(_token({"alg": "none", "kid": ISSUER.id}, _unsigned(), lambda _: b""))


def attack_hmac_with_public_key(lab: Lab) -> Outcome:
    """HS256 keyed with the issuer's public JWK, which anybody can read."""
    secret = json.dumps(ISSUER.to_jwk()).encode()
    mac = lambda data: hmac.new(secret, data, hashlib.sha256).digest()  # noqa: E731
    return _verify(_token({"alg": "HS256", "kid": ISSUER.id}, _unsigned(), mac))


@cache
def _rsa_forgery() -> str:
    """An RSA signature under eddsa-rdfc-2022's name (made with the signer's check lifted)."""
    rsa = keys.generate("RSA", bits=2048)
    with pytest.MonkeyPatch.context() as lifted:
        suite = get_suite("eddsa-rdfc-2022")
        lifted.setattr(suite, "key_algorithms", (*suite.key_algorithms, "RSA"))
        return json.dumps(edubadge.sign(_unsigned(rsa), rsa, suite="eddsa-rdfc-2022"))


def attack_key_type_not_fitting(lab: Lab) -> Outcome:
    return _verify(json.loads(_rsa_forgery()))


def attack_key_of_another_controller(lab: Lab) -> Outcome:
    """A valid proof by someone else's key on a credential naming ISSUER."""
    return _verify(edubadge.sign(_unsigned(), OTHER, suite="eddsa-rdfc-2022"))


AUTH_KEY = keys.from_seed(b"\x43" * 32, controller="https://issuer.example/org")


def attack_key_not_under_assertion_method(lab: Lab) -> Outcome:
    """The issuer lists the key for `authentication` (logins) only, never to assert."""
    document = keys.controller_document(AUTH_KEY, relationships=("authentication",))
    loader = edubadge.DocumentLoader({AUTH_KEY.controller: document})
    signed = edubadge.sign(_unsigned(AUTH_KEY), AUTH_KEY, suite="eddsa-rdfc-2022", loader=loader)
    return _verify(signed, loader=loader)


def attack_wrong_proof_purpose(lab: Lab) -> Outcome:
    return _verify(_signed(proofPurpose="authentication"))


def attack_expired_proof(lab: Lab) -> Outcome:
    return _verify(_signed(expires="2029-06-01T00:00:00Z"))


def attack_context_after_jcs_proof(lab: Lab) -> Outcome:
    """A context appended after those a JCS proof signed: signed by nobody."""
    signed = _signed("eddsa-jcs-2022")
    signed["@context"].append("https://www.w3.org/ns/credentials/undefined-terms/v2")
    return _verify(signed)


def attack_one_bad_proof_in_a_set(lab: Lab) -> Outcome:
    both = edubadge.sign(_signed("eddsa-jcs-2022"), ISSUER, suite="eddsa-rdfc-2022")
    value = both["proof"][1]["proofValue"]
    both["proof"][1]["proofValue"] = value[:-2] + ("2" if value[-2] != "2" else "3") + value[-1]
    return _verify(both)


def attack_non_canonical_base58(lab: Lab) -> Outcome:
    """A trailing space: a second spelling of the same proofValue."""
    signed = _signed()
    signed["proof"]["proofValue"] += " "
    return _verify(signed)


def attack_non_canonical_base64url_jws(lab: Lab) -> Outcome:
    """A spare bit set in the last character of the JWS signature: the same bytes."""
    token = jose.sign(_unsigned(), ISSUER)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(token[-1])
    sibling = alphabet[last ^ 1]  # 64 bytes end in a character with 4 spare bits
    assert base64.urlsafe_b64decode(token.rsplit(".", 1)[1] + "==") == base64.urlsafe_b64decode(
        token.rsplit(".", 1)[1][:-1] + sibling + "=="
    )
    return _verify(token[:-1] + sibling)


def attack_ecdsa_psychic_signature(lab: Lab) -> Outcome:
    """r = s = 0 (CVE-2022-21449, which Java accepted for any message)."""
    signed = _signed("ecdsa-rdfc-2019", P256)
    signed["proof"]["proofValue"] = multikey.encode_multibase(bytes(64))
    return _verify(signed)


HOLDER = keys.from_seed(b"\x44" * 32)


def attack_presentation_replay(lab: Lab) -> Outcome:
    """A presentation made for challenge c-1 replayed to a verifier asking c-2."""
    vp = edubadge.present([_signed()], HOLDER, challenge="c-1", domain="https://v.example")
    result = edubadge.verify_presentation(vp, challenge="c-2", domain="https://v.example", now=NOW)
    return _verdict(result)


def attack_plain_http(lab: Lab) -> Outcome:
    def fetch(lab: Lab) -> bytes:
        with LocalServer({"/doc": Route(SECRET)}, None) as plain:
            url = f"http://127.0.0.1:{plain.port}/doc"
            return HttpsFetcher(allow_private=True).fetch(url, accept=JSON).body

    return _fetch(lab, fetch)


def attack_name_resolving_to_loopback(lab: Lab) -> Outcome:
    """DNS for evil.test answers 127.0.0.1, where an internal service listens."""

    def fetch(lab: Lab) -> bytes:
        internal = lab.server({"/secret": Route(SECRET)})
        fetcher = lab.fetcher({}, {"evil.test": [["127.0.0.1"]]})
        return fetcher.fetch(f"https://evil.test:{internal.port}/secret", accept=JSON).body

    return _fetch(lab, fetch)


def attack_ipv6_loopback_literal(lab: Lab) -> Outcome:
    def fetch(lab: Lab) -> bytes:
        internal = lab.server({"/secret": Route(SECRET)})
        fetcher = lab.fetcher({"::1": internal.port}, {})
        return fetcher.fetch("https://[::1]/secret", accept=JSON).body

    return _fetch(lab, fetch)


def attack_link_local_metadata(lab: Lab) -> Outcome:
    """A name resolving to 169.254.169.254, the cloud metadata service."""

    def fetch(lab: Lab) -> bytes:
        internal = lab.server({"/latest/meta-data": Route(SECRET)})
        metadata = "169.254.169.254"
        fetcher = lab.fetcher({metadata: internal.port}, {"evil.test": [[metadata]]})
        return fetcher.fetch("https://evil.test/latest/meta-data", accept=JSON).body

    return _fetch(lab, fetch)


def _from_public(lab: Lab, route: Route) -> bytes:
    """What the fetcher reads from https://public.test/doc, served by `route`."""
    public = lab.server({"/doc": route})
    fetcher = lab.fetcher({PUBLIC_ADDRESS: public.port}, {"public.test": [[PUBLIC_ADDRESS]]})
    return fetcher.fetch("https://public.test/doc", accept=JSON).body


def attack_redirect_to_loopback(lab: Lab) -> Outcome:
    """A public host answers 302 to an internal address."""

    def fetch(lab: Lab) -> bytes:
        internal = lab.server({"/secret": Route(SECRET)})
        target = f"https://127.0.0.1:{internal.port}/secret"
        moved = Route(b"", 302, "text/plain", headers={"Location": target})
        return _from_public(lab, moved)

    return _fetch(lab, fetch)


def attack_oversized_body(lab: Lab) -> Outcome:
    def fetch(lab: Lab) -> bytes:
        big = Route(b'"' + b"x" * https.DEFAULT_MAX_BYTES + b'"', send_length=False)
        return _from_public(lab, big)

    return _fetch(lab, fetch)


def attack_wrong_media_type(lab: Lab) -> Outcome:
    """An HTML page (a login portal, an error page) where a JSON document was asked for."""

    def fetch(lab: Lab) -> bytes:
        return _from_public(lab, Route(b"<html>", content_type="text/html"))

    return _fetch(lab, fetch)


def attack_readable_key_file(lab: Lab) -> Outcome:
    path = lab.tmp_path / "issuer.key.json"
    path.unlink(missing_ok=True)
    keys.save_key(ISSUER, path)
    os.chmod(path, 0o644)
    try:
        assert keys.load_key(path).sign(b"x") == ISSUER.sign(b"x")
    except EdubadgeError as error:
        return error.message
    return None


def attack_secret_in_repr(lab: Lab) -> Outcome:
    """Any spelling of the secret in what a log line or a traceback shows of a key."""
    secret = ISSUER.to_multikey(include_secret=True)["secretKeyMultibase"]
    seed = (b"\x41" * 32).hex()
    shown = " ".join((repr(ISSUER), str(ISSUER), f"{ISSUER!r}", str([ISSUER])))
    leaked = secret in shown or seed in shown
    return None if leaked else f"no secret in {shown[:80]}"


# --- the defences lifted ----------------------------------------------------------------------


def lift_loader_closed_world(patch: pytest.MonkeyPatch) -> None:
    """The loader serves any URL (as a fetching loader would: here the attacker's context)."""
    hostile = {"@context": {"title": "https://schema.org/name"}}
    real = jsonld_loader.DocumentLoader.get

    def get(self: edubadge.DocumentLoader, url: str) -> dict[str, Any]:
        return copy.deepcopy(hostile) if url == ATTACKER_CONTEXT else real(self, url)

    contains = jsonld_loader.DocumentLoader.__contains__
    patch.setattr(jsonld_loader.DocumentLoader, "get", get)
    patch.setattr(
        jsonld_loader.DocumentLoader,
        "__contains__",
        lambda self, url: url == ATTACKER_CONTEXT or contains(self, url),
    )


def lift_inline_context_check(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(verifier, "inline_contexts", lambda document: [])


def lift_repeated_context_check(patch: pytest.MonkeyPatch) -> None:
    from edubadge.jsonld import compiled, safe

    patch.setattr(safe, "repeats_a_context", lambda context: False)
    patch.setattr(compiled, "repeats_a_context", lambda context: False)


def lift_keyword_check(patch: pytest.MonkeyPatch) -> None:
    from edubadge import datamodel

    patch.setattr(datamodel, "keyword_problems", lambda document: [])


def lift_type_array_check(patch: pytest.MonkeyPatch) -> None:
    from edubadge import datamodel

    real = datamodel.ob3_problems
    patch.setattr(
        datamodel,
        "ob3_problems",
        lambda document: [p for p in real(document) if p[1] != "must be an array"],
    )


def lift_duplicate_key_check(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(parsing, "_no_duplicates", dict)


def lift_strict_utf8(patch: pytest.MonkeyPatch) -> None:
    """A lenient decoder in front of the strict one: bytes that are not UTF-8 are dropped."""
    real = parsing.parse_json

    def lenient(data: str | bytes, *, what: str = "document") -> Any:
        if isinstance(data, bytes):
            data = data.decode("utf-8", "ignore")
        return real(data, what=what)

    patch.setattr(parsing, "parse_json", lenient)


def lift_safe_integer_limit(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(parsing, "MAX_SAFE_INTEGER", 2**64)


def lift_integer_parse_hook(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(parsing, "_integer", int)


def lift_constant_refusal(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(parsing, "_no_constant", float)


def lift_depth_limit(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(parsing, "MAX_DEPTH", 10 * MAX_DEPTH)


def lift_size_limit(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(parsing, "MAX_DOCUMENT_BYTES", 2 * MAX_DOCUMENT_BYTES)


def lift_ndegree_bound(patch: pytest.MonkeyPatch) -> None:
    from edubadge.jsonld.rdfc import BoundedRdfc

    patch.setattr(BoundedRdfc, "_spend", lambda self: None)


def _lift_jose_header_refusal(patch: pytest.MonkeyPatch, refused: Callable[[str], bool]) -> None:
    real = jose.check_header

    def check_header(jws: jose.Jws) -> str:
        alg = jws.header.get("alg")
        return alg if isinstance(alg, str) and refused(alg) else real(jws)

    patch.setattr(jose, "check_header", check_header)


def lift_alg_none_refusal(patch: pytest.MonkeyPatch) -> None:
    _lift_jose_header_refusal(patch, lambda alg: alg.lower() == "none")


def lift_hmac_refusal(patch: pytest.MonkeyPatch) -> None:
    _lift_jose_header_refusal(patch, lambda alg: alg.upper().startswith("HS"))


def lift_suite_key_types(patch: pytest.MonkeyPatch) -> None:
    suite = get_suite("eddsa-rdfc-2022")
    patch.setattr(suite, "key_algorithms", (*suite.key_algorithms, "RSA"))


def _skip_check(patch: pytest.MonkeyPatch, module: Any, check_id: str) -> None:
    """`module`'s check pipeline with the check `check_id` doing nothing."""
    pipeline = tuple(
        (name, (lambda state, check: None) if name == check_id else run)
        for name, run in module._PIPELINE
    )
    patch.setattr(module, "_PIPELINE", pipeline)


def lift_issuer_key_check(patch: pytest.MonkeyPatch) -> None:
    _skip_check(patch, verifier, "issuer-key")


def lift_relationship_check(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(resolve, "_listed", lambda document, relationship, vm_id: True)


def lift_purpose_check(patch: pytest.MonkeyPatch) -> None:
    """The verifier takes the proof's word for its purpose."""
    real = data_integrity.verify_proof

    def verify_proof(document: Any, proof: Any, **options: Any) -> Any:
        return real(document, proof, **{**options, "purpose": proof.get("proofPurpose")})

    patch.setattr(data_integrity, "verify_proof", verify_proof)


def lift_expiry_check(patch: pytest.MonkeyPatch) -> None:
    """A proof's `expires` is read as never."""
    real = data_integrity.parse_datetime

    def parse_datetime(value: object, *, what: str) -> datetime:
        parsed = real(value, what=what)
        return datetime.max.replace(tzinfo=UTC) if what == "proof expires" else parsed

    patch.setattr(data_integrity, "parse_datetime", parse_datetime)


def lift_proof_context_rule(patch: pytest.MonkeyPatch) -> None:
    """The spec's prefix rule alone: any context may follow the signed ones."""
    extra = "https://www.w3.org/ns/credentials/undefined-terms/v2"
    patch.setattr(data_integrity, "PROOF_CONTEXTS", data_integrity.PROOF_CONTEXTS | {extra})


def lift_every_proof_rule(patch: pytest.MonkeyPatch) -> None:
    """One good proof taken as enough: failed proofs dropped when another one verified."""
    real = data_integrity.verify_proofs  # what `verifier` imported

    def verify_proofs(document: Any, **options: Any) -> list[data_integrity.ProofOutcome]:
        outcomes = real(document, **options)
        good = [o for o in outcomes if o.verified]
        return good or outcomes

    patch.setattr(verifier, "verify_proofs", verify_proofs)


def lift_canonical_base58(patch: pytest.MonkeyPatch) -> None:
    """The alphabet check admits whitespace (which the base58 library forgives)."""
    patch.setattr(multikey, "_ALPHABET_SET", multikey._ALPHABET_SET | frozenset(" \t\r\n"))


def lift_canonical_base64url(patch: pytest.MonkeyPatch) -> None:
    """The JWS parts are decoded by the standard (forgiving) decoder."""
    patch.setattr(
        jose,
        "_b64decode",
        lambda part, what: base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)),
    )


def lift_ecdsa_scalar_range(patch: pytest.MonkeyPatch) -> None:
    """EcdsaCurve.verify without its `0 < r, s < n` check."""

    def verify(self: EcdsaCurve, public_key: Any, data: bytes, signature: bytes) -> bool:
        if len(signature) != 2 * self.size:
            return False
        r = int.from_bytes(signature[: self.size], "big")
        s = int.from_bytes(signature[self.size :], "big")
        try:
            public_key.verify(encode_dss_signature(r, s), data, ec.ECDSA(self.hash_algorithm))
        except InvalidSignature:
            return False
        return True

    patch.setattr(EcdsaCurve, "verify", verify)


def lift_challenge_check(patch: pytest.MonkeyPatch) -> None:
    _skip_check(patch, presentations, "challenge")


def lift_https_only(patch: pytest.MonkeyPatch) -> None:
    """The scheme check sees every URL as https."""
    real = urlsplit  # what `https` imported
    patch.setattr(https, "urlsplit", lambda url: real(url)._replace(scheme="https"))


def lift_address_check(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(https, "blocked_reason", lambda address: None)


def lift_link_local_range(patch: pytest.MonkeyPatch) -> None:
    ranges = tuple(r for r in https._RANGES if r[0] != "is_link_local")
    patch.setattr(https, "_RANGES", ranges)


def lift_redirect_recheck(patch: pytest.MonkeyPatch) -> None:
    """Only the URL the caller gave is checked; redirect targets are trusted."""
    real = HttpsFetcher._address
    checked: list[str] = []

    def address(self: HttpsFetcher, url: str, host: str, port: int) -> str:
        first = not checked
        checked.append(url)
        if first:
            return real(self, url, host, port)
        allow, self.allow_private = self.allow_private, True
        try:
            return real(self, url, host, port)
        finally:
            self.allow_private = allow

    patch.setattr(HttpsFetcher, "_address", address)


def lift_body_cap(patch: pytest.MonkeyPatch) -> None:
    defaults = HttpsFetcher.__init__.__kwdefaults__
    assert defaults is not None
    patch.setitem(defaults, "max_bytes", 64 * https.DEFAULT_MAX_BYTES)


def lift_media_type_check(patch: pytest.MonkeyPatch) -> None:
    real = HttpsFetcher._read
    patch.setattr(
        HttpsFetcher, "_read", lambda self, url, response, accept: real(self, url, response, ())
    )


def lift_key_file_mode_check(patch: pytest.MonkeyPatch) -> None:
    """The mode mask is empty: group and world bits are never looked at."""
    patch.setattr(
        keyfile, "stat", types.SimpleNamespace(S_IRWXG=0, S_IRWXO=0, S_IMODE=stat.S_IMODE)
    )


def lift_key_repr(patch: pytest.MonkeyPatch) -> None:
    """A naive repr: every attribute of the key pair, the secret one included."""
    naive = lambda self: f"KeyPair({vars(self)!r})"  # noqa: E731
    patch.setattr(KeyPair, "__repr__", naive)
    patch.setattr(KeyPair, "__str__", naive)


# --- the table --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    attack: Callable[[Lab], Outcome]
    refused: str  # in the refusal with every defence on
    lift: Callable[[pytest.MonkeyPatch], None]
    then: str | None = None  # None: the attack then gets through; else the second layer's refusal


CASES: dict[str, Case] = {
    # JSON-LD and JSON
    "unknown context / loader's closed world": Case(
        attack_unknown_context, "unknown context", lift_loader_closed_world
    ),
    "inline context renaming a term / inline contexts refused": Case(
        attack_inline_rename, "is an inline context", lift_inline_context_check
    ),
    "@base trick / inline contexts refused": Case(
        attack_inline_base, "is an inline context", lift_inline_context_check
    ),
    # OB 3.0's class check also refuses it (the subject's type no longer includes its class)
    "@type alias / keyword check": Case(
        attack_type_alias,
        "use 'type'",
        lift_keyword_check,
        then="credentialSubject.type must include 'AchievementSubject'",
    ),
    "@type alias in a plain VC / keyword check": Case(
        attack_type_alias_in_a_plain_credential, "use 'type'", lift_keyword_check
    ),
    "type as a string / OB 3.0 type array check": Case(
        attack_type_as_string, "must be an array", lift_type_array_check
    ),
    "context listed twice / repeated context check": Case(
        attack_repeated_context, "a context listed twice", lift_repeated_context_check
    ),
    "duplicate JSON key / strict parser": Case(
        attack_duplicate_key, "duplicate JSON key 'name'", lift_duplicate_key_check
    ),
    "non-UTF-8 byte / strict UTF-8": Case(attack_non_utf8, "not UTF-8", lift_strict_utf8),
    "integer beyond 2**53 / I-JSON limit": Case(
        attack_huge_integer, "outside", lift_safe_integer_limit
    ),
    # depth: check_limits, run on every parsed value, refuses the integer too
    "integer beyond 2**53 / parse hook only": Case(
        attack_huge_integer, "outside", lift_integer_parse_hook, then="outside"
    ),
    # depth: check_limits refuses a number that is not finite
    "NaN / constant refusal": Case(attack_nan, "NaN is not JSON", lift_constant_refusal, "finite"),
    "deep nesting / depth limit": Case(attack_deep_nesting, "nested deeper", lift_depth_limit),
    "8 MiB document / size limit": Case(attack_large_document, "larger than", lift_size_limit),
    "poison graph / N-degree work bound": Case(
        attack_poison_graph, "work limit", lift_ndegree_bound
    ),
    # cryptographic misuse
    # depth (alg none, HMAC): the per-key-type list JWS_ALGORITHMS has neither
    "alg none / header refusal": Case(
        attack_alg_none, "unsigned", lift_alg_none_refusal, then="not allowed for a Ed25519 key"
    ),
    "HMAC keyed with the public key / header refusal": Case(
        attack_hmac_with_public_key,
        "is an HMAC",
        lift_hmac_refusal,
        then="not allowed for a Ed25519 key",
    ),
    "RSA key under an Ed25519 suite / suite key types": Case(
        attack_key_type_not_fitting, "a RSA key cannot verify", lift_suite_key_types
    ),
    "another controller's key / issuer-key check": Case(
        attack_key_of_another_controller, "not by the issuer", lift_issuer_key_check
    ),
    "key not under assertionMethod / relationship check": Case(
        attack_key_not_under_assertion_method,
        "not listed under 'assertionMethod'",
        lift_relationship_check,
    ),
    "proof made for authentication / proofPurpose check": Case(
        attack_wrong_proof_purpose, "expected 'assertionMethod'", lift_purpose_check
    ),
    "expired proof / expiry check": Case(attack_expired_proof, "expired", lift_expiry_check),
    "context after a JCS proof / proof-context rule": Case(
        attack_context_after_jcs_proof, "does not cover it", lift_proof_context_rule
    ),
    "one bad proof in a set / every proof must verify": Case(
        attack_one_bad_proof_in_a_set, "proof 1", lift_every_proof_rule
    ),
    "base58 with a trailing space / canonical base58": Case(
        attack_non_canonical_base58, "not canonical base58btc", lift_canonical_base58
    ),
    "JWS with a spare bit set / canonical base64url": Case(
        attack_non_canonical_base64url_jws, "not canonical base64url", lift_canonical_base64url
    ),
    # depth: OpenSSL refuses out-of-range scalars too (the same message either way)
    "ECDSA r = s = 0 / scalar range check": Case(
        attack_ecdsa_psychic_signature,
        "signature does not match",
        lift_ecdsa_scalar_range,
        then="signature does not match",
    ),
    "presentation replayed with another challenge / challenge check": Case(
        attack_presentation_replay, "not the expected 'c-2'", lift_challenge_check
    ),
    # the fetcher
    # depth: the connection class speaks TLS only, so plain http is never spoken
    "plain http / https only": Case(
        attack_plain_http, "only https", lift_https_only, then="FetchError: cannot fetch"
    ),
    "name resolving to 127.0.0.1 / address check": Case(
        attack_name_resolving_to_loopback, "loopback", lift_address_check
    ),
    "IPv6 loopback literal / address check": Case(
        attack_ipv6_loopback_literal, "::1 is a loopback", lift_address_check
    ),
    # depth: 169.254/16 is also in ipaddress's private ranges
    "169.254.169.254 (cloud metadata) / link-local range": Case(
        attack_link_local_metadata,
        "link-local",
        lift_link_local_range,
        then="169.254.169.254 is a private address",
    ),
    "redirect to 127.0.0.1 / every hop checked": Case(
        attack_redirect_to_loopback, "loopback", lift_redirect_recheck
    ),
    "body over 2 MiB / size cap": Case(attack_oversized_body, "larger than", lift_body_cap),
    "HTML for JSON / media type check": Case(
        attack_wrong_media_type, "text/html, not one of", lift_media_type_check
    ),
    # keys at rest
    "key file mode 0644 / mode check": Case(
        attack_readable_key_file, "accessible by group or others", lift_key_file_mode_check
    ),
    # depth: the secret is held as an opaque cryptography object, which shows no bytes
    "secret in a repr / KeyPair.__repr__": Case(
        attack_secret_in_repr, "no secret in KeyPair(", lift_key_repr, then="no secret in"
    ),
}


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    with ExitStack() as stack:
        yield Lab(tmp_path, stack)


@pytest.mark.parametrize("name", list(CASES))
def test_the_defence_is_load_bearing(name: str, lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    case = CASES[name]
    refusal = case.attack(lab)
    assert refusal is not None, f"{name}: the attack got through with every defence on"
    assert case.refused in refusal, refusal
    case.lift(monkeypatch)
    outcome = case.attack(lab)
    if case.then is None:
        assert outcome is None, f"{name}: still refused without the defence: {outcome}"
    else:  # defence in depth: a second layer refuses it too
        assert outcome is not None and case.then in outcome, outcome
