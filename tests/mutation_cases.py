"""Mutation proofing: every suite and envelope, and random edits of what it signed.

A `Case` is one signed artifact (a credential with a Data Integrity proof, a compact JWS, a
JAdES envelope) with its own verifier; `Case.mutate` makes one to four random edits of it
(values, keys, types, contexts, proof fields, array order where order matters) and returns
the edited artifact, or None when the edits cancelled out. Every edited artifact must fail to
verify: tests/test_mutations.py runs this under hypothesis, `python -m bench.mutations` counts.

Excluded by construction (edits that do not change what the suite signs):

- key order inside JSON objects: edits work on parsed values, and a re-encoded header or
  payload is a different byte string anyway;
- for RDFC suites, the order of arrays: JSON-LD arrays are sets unless a context says
  `@list` (no `@list` term appears in these credentials), and the order of `@context`
  entries either leaves every statement as it was (contexts defining different terms) or
  changes the statements, which the signature catches; the VC context must stay first (the
  context check). JCS suites, JWS and JAdES sign the bytes, so any reordering is an edit;
- numerically equal spellings (5 and 5.0): a changed number always changes its value;
- for RDFC suites, edits that leave every set the same: a value and a one-item array of it
  (`"en"` and `["en"]`) and reordered items (JSON-LD reads each pair as the same statements).
  Single edits avoid them, and a result of several edits that adds up to one is dropped
  (compared as sets). An added empty array and an array nested in an array are edits like
  any other: safe mode refuses them (JSON-LD would drop or flatten them). Where the data model
  demands an array (OB 3.0 `type`), tests/test_jsonld_attacks.py tests the bare value;
- for JAdES, the parts the seal does not cover by design: members of the envelope beside
  `payload` and `signatures`, and the unprotected header (`signatures[0].header`, where later
  timestamps go). Edits go to the payload, the protected header and the signature.
"""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, Protocol, TypeVar

import edubadge
from edubadge import keys
from edubadge.envelopes import jose
from edubadge.envelopes.jades import seal
from edubadge.envelopes.testing import make_test_material
from edubadge.issuer import Issuer
from edubadge.model import Organisation, load_microcredential
from edubadge.proofs.registry import get_suite, suite_names
from edubadge.verifier import VerificationResult

from .shared import ROOT

T = TypeVar("T")
Path = tuple[str | int, ...]
NOW = datetime.now(UTC) + timedelta(hours=1)
RECORD = ROOT / "examples" / "microcredential.json"
SELECTIVE = "ecdsa-sd-2023"
MANDATORY = ["/issuer", "/validFrom", "/name"]
DISCLOSED = ["/credentialSubject"]
CHALLENGE, DOMAIN = "challenge-4c1f0e", "https://verifier.example"
CONTEXTS = (
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://w3id.org/security/data-integrity/v2",
    "https://www.w3.org/ns/credentials/examples/v2",
)
NEW_KEYS = ("description", "name", "id", "type", "image", "extra", "@id", "@type", "@vocab")
NEW_VALUES: tuple[Any, ...] = ("added", 7, True, None, [], {}, ["VerifiableCredential"], "_:b0")


class Chooser(Protocol):
    """Where the random choices come from (a seeded Random, or hypothesis draws)."""

    def choice(self, options: Sequence[T]) -> T: ...

    def integer(self, low: int, high: int) -> int: ...


class RandomChooser:
    """Choices from a seeded `random.Random` (the benchmark)."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)

    def choice(self, options: Sequence[T]) -> T:
        return self.random.choice(options)

    def integer(self, low: int, high: int) -> int:
        return self.random.randint(low, high)


# --- edits of a JSON value ---------------------------------------------------------------------


def locations(value: Any, path: Path = ()) -> list[Path]:
    """Every member and array item below the root."""
    found: list[Path] = []
    if isinstance(value, (dict, list)):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            found.append((*path, key))
            found += locations(item, (*path, key))
    return found


def _at(document: Any, path: Path) -> Any:
    for step in path:
        document = document[step]
    return document


def _changed(value: Any, choose: Chooser, sets: bool = False) -> Any:
    """A different value (never an equal number spelled otherwise; with `sets`, never a value
    wrapped in a one-item array, which JSON-LD reads as the value itself)."""
    if isinstance(value, bool):
        return choose.choice([not value, str(value).lower(), None])
    if isinstance(value, int):
        return choose.choice([value + choose.integer(1, 9), -value - 1, str(value), value + 0.5])
    if isinstance(value, float):
        return choose.choice([value + 1.25, str(value), -value - 1.0])
    if isinstance(value, str):
        if not value:
            return "x"
        at = choose.integer(0, len(value) - 1)
        other = "a" if value[at] != "a" else "b"
        return choose.choice(
            [
                value + "x",
                value[:-1],
                value[:at] + other + value[at + 1 :],
                value.swapcase() if value.swapcase() != value else value + " ",
                value + choose.choice([" ", "\n", "=", "=="]),  # lenient decoders skip these
                value[:at] + choose.choice(["\n", " ", "!"]) + value[at:],
                "",
                [value, value + "x"] if sets else [value],
            ]
        )
    if value is None:
        return choose.choice(["", 0, False])
    if isinstance(value, list):
        # appended, or nested in an array (which JSON-LD would flatten into the same set)
        return choose.choice([[*value, choose.choice(NEW_VALUES)], [value]]) if value else ["x"]
    key = choose.choice([k for k in NEW_KEYS if k not in value] or ["extra-member"])
    return {**value, key: choose.choice(NEW_VALUES)}


def edit(document: Any, choose: Chooser, ordered: Callable[[Path], bool]) -> Any:
    """A deep copy of `document` with one random edit.

    `ordered(path)` says whether the array at `path` is ordered for the suite; where arrays
    are sets, a value and a one-item array of it are one and the same, so such an edit is
    only made where the data model demands an array (`type`, `@context`).
    """
    sets = not ordered(("",))
    edited = json.loads(json.dumps(document))
    paths = locations(edited)
    if not paths:
        return {"extra": "x"} if isinstance(edited, dict) else ["x"]
    path = choose.choice(paths)
    parent, last = _at(edited, path[:-1]), path[-1]
    action = choose.choice(["change", "change", "remove", "add", "rename", "retype", "reorder"])
    if action == "change":
        parent[last] = _changed(parent[last], choose, sets)
    elif action == "remove":
        del parent[last]
    elif action == "add":
        if isinstance(parent, list):
            parent.insert(choose.integer(0, len(parent)), choose.choice([parent[last], "added"]))
        else:
            key = choose.choice([k for k in NEW_KEYS if k not in parent] or ["extra-member"])
            parent[key] = choose.choice(NEW_VALUES)
    elif action == "rename" and isinstance(parent, dict):
        new = choose.choice([k for k in NEW_KEYS if k not in parent] + [str(last) + "x"])
        parent[new] = parent.pop(last)
    elif action == "retype":
        value = parent[last]
        must_be_array = last in ("type", "@context")
        if isinstance(value, list) and len(value) == 1 and (must_be_array or not sets):
            parent[last] = value[0]  # a one-item array as a bare value (`type` as a string)
        elif sets and not isinstance(value, list):
            parent[last] = [value, _changed(value, choose, sets)]
        elif isinstance(value, list):
            parent[last] = value[:1]
        else:
            parent[last] = [value] if not isinstance(value, str) else [value, value + "x"]
    elif action == "reorder":
        target = parent[last] if isinstance(parent[last], list) else parent
        where = path if isinstance(parent[last], list) else path[:-1]
        distinct = isinstance(target, list) and len({json.dumps(v) for v in target}) > 1
        if distinct and ordered(where):
            i, j = choose.integer(0, len(target) - 1), choose.integer(0, len(target) - 1)
            if json.dumps(target[i]) != json.dumps(target[j]):
                target[i], target[j] = target[j], target[i]
        else:
            parent[last] = _changed(parent[last], choose, sets)
    else:
        parent[last] = _changed(parent[last], choose, sets)
    return edited


def edits(document: Any, choose: Chooser, ordered: Callable[[Path], bool]) -> Any | None:
    """One to four edits; None when the result says the same as the original: equal JSON
    values or, where arrays are sets, the same sets (several edits can add up to a pair that
    one edit never makes, such as `"x"` -> `["x", "y"]` -> `["x"]`)."""
    edited = document
    for _ in range(choose.integer(1, 4)):
        edited = edit(edited, choose, ordered)
    sets = not ordered(("",))
    same = _set_form(edited) == _set_form(document) if sets else _same(edited, document)
    return None if same else edited


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _set_form(value: Any) -> Any:
    """A JSON value as JSON-LD sets read it: every value a sorted set of its items (a bare
    value is a set of one). Nested and empty arrays stay what they are: safe mode refuses
    them, so they are never the same as another value."""
    forms = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            members = {k: _set_form(v) for k, v in item.items()}
            forms.append(json.dumps(members, sort_keys=True))
        elif isinstance(item, list):
            forms.append(json.dumps(["nested", _set_form(item)]))
        else:
            forms.append(json.dumps(item))
    return sorted(forms)


def _never(path: Path) -> bool:
    return False


def _always(path: Path) -> bool:
    return True


# --- the cases --------------------------------------------------------------------------------


SECURING = ("proof", "envelope", "jades-signature")


@dataclass(frozen=True)
class Case:
    """One signed artifact, its verifier (giving the full result) and its mutator."""

    name: str
    artifact: Any
    check: Callable[[Any], VerificationResult]
    mutate: Callable[[Any, Chooser], Any | None]

    def verify(self, artifact: Any) -> bool:
        """True when `artifact` verifies."""
        return self.check(artifact).verified


def caught_by_signature(result: VerificationResult) -> bool:
    """True when a securing check (proof, JWS, seal) failed, not only another check."""
    return any(c.id in SECURING and c.outcome == "failed" for c in result.checks)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature_edit(signature: bytes, choose: Chooser) -> bytes:
    at = choose.integer(0, max(0, len(signature) - 1))
    return choose.choice(
        [
            signature[:at]
            + bytes([signature[at] ^ (1 << choose.integer(0, 7))])
            + signature[at + 1 :],
            signature[:-1],
            signature + b"\x00",
            b"",
            signature[::-1],
        ]
    )


def _json_part_edit(encoded: str, choose: Chooser) -> str:
    value = json.loads(_unb64(encoded))
    edited = edits(value, choose, _always)
    if edited is None:
        return encoded
    return _b64(json.dumps(edited, separators=(",", ":"), ensure_ascii=False).encode())


def _mutate_jws(token: str, choose: Chooser) -> str | None:
    head, payload, signature = token.split(".")
    part = choose.choice(["header", "payload", "payload", "signature", "token"])
    if part == "header":
        head = _json_part_edit(head, choose)
    elif part == "payload":
        payload = _json_part_edit(payload, choose)
    elif part == "signature":
        signature = _b64(_signature_edit(_unb64(signature), choose))
    else:
        at = choose.integer(0, len(token) - 1)
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."
        changed = token[:at] + choose.choice(alphabet.replace(token[at], "")) + token[at + 1 :]
        return None if changed == token else changed
    changed = ".".join((head, payload, signature))
    return None if changed == token else changed


def _mutate_jades(envelope: dict[str, Any], choose: Chooser) -> dict[str, Any] | None:
    entry = dict(envelope["signatures"][0])
    payload = envelope["payload"]
    part = choose.choice(["payload", "payload", "protected", "signature"])
    if part == "payload":
        edited = edits(json.loads(payload), choose, _always)
        if edited is None:
            return None
        payload = json.dumps(edited, ensure_ascii=False)
    elif part == "protected":
        entry["protected"] = _json_part_edit(entry["protected"], choose)
    else:
        entry["signature"] = _b64(_signature_edit(_unb64(entry["signature"]), choose))
    changed = {"payload": payload, "signatures": [entry]}
    return None if changed == envelope else changed


@cache
def _rsa(alg: str) -> keys.KeyPair:
    return keys.generate("RSA", bits=2048).with_signature_algorithm(alg)


def _key_of(kind: str) -> keys.KeyPair:
    """A key of a key type (deterministic where the type allows)."""
    return keys.from_seed(b"\x5a" * 32) if kind == "Ed25519" else keys.generate(kind)


def _credential(key: keys.KeyPair) -> dict[str, Any]:
    profile = Organisation(id=key.controller, name="Example University", country="BE")
    return Issuer(profile, key).credential(load_microcredential(RECORD))


def _verified(artifact: Any, **options: Any) -> VerificationResult:
    return edubadge.verify(artifact, now=NOW, **options)


def _ordered_for(suite: str) -> Callable[[Path], bool]:
    """JCS suites sign JSON (every array is ordered); the others sign RDF statements."""
    return _always if "jcs" in suite else _never


def data_integrity_cases() -> list[Case]:
    """One case per registered Data Integrity cryptosuite and key type it takes; selective
    disclosure suites are mutated as the holder's derived credential."""
    cases = []
    for suite in suite_names():
        kinds = get_suite(suite).key_algorithms
        for kind in kinds:
            key = _key_of(kind)
            options = {"mandatoryPointers": MANDATORY} if suite == SELECTIVE else None
            signed = edubadge.sign(_credential(key), key, suite=suite, options=options)
            if suite == SELECTIVE:
                signed = edubadge.derive(signed, DISCLOSED)
            ordered = _ordered_for(suite)
            name = suite if len(kinds) == 1 else f"{suite} {kind}"
            cases.append(Case(name, signed, _verified, lambda d, c, o=ordered: edits(d, c, o)))
    return cases


def presentation_cases() -> list[Case]:
    """A presentation for one verifier's challenge and domain, holding a signed credential:
    an edit, a replayed challenge or another domain must all fail."""
    holder, issuer = keys.from_seed(b"\x5d" * 32), keys.from_seed(b"\x5e" * 32)
    credential = edubadge.sign(_credential(issuer), issuer, suite="eddsa-rdfc-2022")
    presentation = edubadge.present(
        [credential], holder, challenge=CHALLENGE, domain=DOMAIN, suite="eddsa-rdfc-2022"
    )

    def verify(artifact: Any) -> VerificationResult:
        return edubadge.verify_presentation(artifact, challenge=CHALLENGE, domain=DOMAIN, now=NOW)

    return [
        Case(
            "presentation eddsa-rdfc-2022",
            presentation,
            verify,
            lambda d, c: edits(d, c, _never),
        )
    ]


def jws_cases() -> list[Case]:
    """VC-JOSE and the OB 3.0 VC-JWT, with each signature algorithm on main."""
    cases = []
    signers = [("EdDSA", keys.from_seed(b"\x5b" * 32)), ("RS256", _rsa("RS256"))]
    signers.append(("PS256", _rsa("PS256")))
    signers += [
        (alg, keys.generate(kind))
        for kind, alg in (("P-256", "ES256"), ("P-384", "ES384"))
        if kind in keys.algorithm_names()
    ]
    for profile in jose.PROFILES:
        for alg, key in signers:
            token = jose.sign(_credential(key), key, profile=profile)
            cases.append(Case(f"{profile} {alg}", token, _verified, _mutate_jws))
    return cases


def jades_cases() -> list[Case]:
    """JAdES seals (RS256 and ES256), trusted through their test root."""
    cases = []
    for algorithm in ("RS256", "ES256"):
        material, root = make_test_material(algorithm)
        envelope = seal(_credential(keys.from_seed(b"\x5c" * 32)), material, algorithm=algorithm)

        def verify(artifact: Any, root: Any = root) -> VerificationResult:
            return _verified(artifact, trust_anchors=[root])

        cases.append(Case(f"JAdES {algorithm}", envelope, verify, _mutate_jades))
    return cases


@cache
def all_cases() -> tuple[Case, ...]:
    """Every suite and envelope on this branch (each verifies before it is mutated)."""
    cases = (*data_integrity_cases(), *presentation_cases(), *jws_cases(), *jades_cases())
    for case in cases:
        assert case.verify(case.artifact), f"{case.name} does not verify unmutated"
    return cases
