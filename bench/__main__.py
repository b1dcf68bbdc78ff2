"""Throughput of edubadge against the naive pyld route, measured side by side in one run.

    python -m bench [--rounds 7] [--batch 2000] [--out bench-results.json]

Every figure is a median over interleaved rounds (the baseline and edubadge alternate, so
load from other processes hits both alike). Ratios compare figures of the same run.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import itertools
import json
import os
import platform
import resource
import shutil
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psutil
import rfc8785
from pyld import jsonld

import edubadge
from edubadge import keys
from edubadge.batch import BatchStore, DirectoryStore, PostgresStore, SqliteStore
from edubadge.demo.data import LEARNERS, UNIVERSITY, course_record
from edubadge.demo.wallet import REVEALED
from edubadge.envelopes import jose
from edubadge.envelopes.testing import make_test_material
from edubadge.errors import ResourceLimitError, UnsafeTermError
from edubadge.issuer import DEFAULT_SUITE, EdcIssuer, Issuer
from edubadge.jsonld import DocumentLoader, check, rdfc
from edubadge.jsonld.rdfc import canonical_nquads
from edubadge.keys.multikey import encode_multibase
from edubadge.model import MicroCredential, Organisation
from edubadge.proofs import derive, verify_proofs
from edubadge.proofs.registry import get_suite, suite_names
from edubadge.proofs.suite import DATA_INTEGRITY_PROOF, JcsCryptosuite, RdfcCryptosuite
from edubadge.status.bitstring import Bitstring
from edubadge.status.check import StatusResolver
from edubadge.status.credential import list_credential
from edubadge.status.store import is_postgres_url, redact

Case = Callable[[], object]


def rate(case: Case, seconds: float) -> tuple[float, float]:
    """Operations per second of `case`, run for about `seconds`: per wall-clock second, and
    per second of this process's CPU time (time spent descheduled by other work not counted)."""
    case()
    count, start, cpu = 0, time.perf_counter(), time.process_time()
    while (elapsed := time.perf_counter() - start) < seconds:
        case()
        count += 1
    return count / elapsed, count / max(time.process_time() - cpu, 1e-9)


def interleaved(
    cases: dict[str, Case], rounds: int, seconds: float
) -> tuple[dict[str, float], dict[str, float]]:
    """Median rates of each case (wall clock, CPU time) over rounds alternating the cases."""
    wall: dict[str, list[float]] = {name: [] for name in cases}
    cpu: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, case in cases.items():
            per_second, per_cpu_second = rate(case, seconds)
            wall[name].append(per_second)
            cpu[name].append(per_cpu_second)
    return (
        {name: statistics.median(values) for name, values in wall.items()},
        {name: statistics.median(values) for name, values in cpu.items()},
    )


# --- the naive route: plain pyld and cryptography, no caches of ours ----------------------


def naive_canon(document: dict[str, Any], loader: DocumentLoader) -> str:
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": loader,
    }
    return jsonld.normalize(document, options)  # type: ignore[no-any-return]


def naive_rdfc_issue(
    document: dict[str, Any],
    key: keys.KeyPair,
    loader: DocumentLoader,
    cryptosuite: str = "eddsa-rdfc-2022",
) -> Any:
    """A Data Integrity RDFC-1.0 proof (SHA-256) as plain pyld and cryptography make it."""
    config = {
        "@context": document["@context"],
        "type": "DataIntegrityProof",
        "cryptosuite": cryptosuite,
        "created": "2026-01-01T00:00:00Z",
        "verificationMethod": key.id,
        "proofPurpose": "assertionMethod",
    }
    data = hashlib.sha256(naive_canon(config, loader).encode()).digest()
    data += hashlib.sha256(naive_canon(document, loader).encode()).digest()
    proof = {k: v for k, v in config.items() if k != "@context"}
    return {**document, "proof": {**proof, "proofValue": encode_multibase(key.sign(data))}}


def naive_rdfc_verify(signed: dict[str, Any], key: keys.KeyPair, loader: DocumentLoader) -> bool:
    proof = dict(signed["proof"])
    value = proof.pop("proofValue")
    document = {k: v for k, v in signed.items() if k != "proof"}
    config = {"@context": document["@context"], **proof}
    data = hashlib.sha256(naive_canon(config, loader).encode()).digest()
    data += hashlib.sha256(naive_canon(document, loader).encode()).digest()
    from edubadge.keys.multikey import decode_multibase

    return key.verify(data, decode_multibase(value, what="proofValue"))


# --- the sections ---------------------------------------------------------------------------


def credential(key: keys.KeyPair, suite: str = DEFAULT_SUITE) -> tuple[Issuer, dict[str, Any]]:
    profile = Organisation.model_validate({"id": key.controller, **UNIVERSITY})
    issuer = Issuer(profile, key, suite=suite)
    return issuer, issuer.credential(course_record(LEARNERS[1]))


def rotating(documents: list[Any]) -> Callable[[], Any]:
    """The next of `documents` at each call."""
    return itertools.cycle(documents).__next__


def fresh(document: dict[str, Any], count: int = 100_000) -> Callable[[], dict[str, Any]]:
    """A new credential at each call, as in a batch: its own id (one of `count`, more than any
    cache of edubadge's holds), the rest shared with `document` (so, as in a batch, the
    document is in the CPU's caches). Making it is part of each measured operation."""
    ids = itertools.cycle([f"urn:uuid:{uuid.uuid4()}" for _ in range(count)]).__next__
    return lambda: {**document, "id": ids()}


def signing(rounds: int, seconds: float) -> dict[str, Any]:
    key = keys.generate()
    _, unsigned = credential(key)
    doc = fresh(unsigned)
    few = [doc() for _ in range(64)]  # verify cases: signatures made beforehand
    loader = DocumentLoader()
    signed_rdfc = [edubadge.sign(u, key, suite="eddsa-rdfc-2022") for u in few]
    signed_jcs = [edubadge.sign(u, key, suite="eddsa-jcs-2022") for u in few]
    naive_signed = [naive_rdfc_issue(u, key, loader) for u in few]
    assert naive_rdfc_verify(naive_signed[0], key, loader)
    assert rdfc(unsigned, loader) == naive_canon(unsigned, loader)
    rdfc_doc, jcs_doc, naive_doc = map(rotating, (signed_rdfc, signed_jcs, naive_signed))
    message = hashlib.sha256(b"x").digest() * 2
    rates, cpu_rates = interleaved(
        {
            "ed25519 sign (raw)": lambda: key.sign(message),
            "jcs canonicalisation (rfc8785)": lambda: rfc8785.dumps(doc()),
            "jcs canonicalisation (edubadge)": lambda: edubadge.jsonld.jcs(doc()),
            "rdfc canonicalisation (naive pyld)": lambda: naive_canon(doc(), loader),
            "rdfc canonicalisation (edubadge)": lambda: rdfc(doc(), loader),
            "eddsa-rdfc-2022 issue (naive pyld)": lambda: naive_rdfc_issue(doc(), key, loader),
            "eddsa-rdfc-2022 issue (edubadge)": lambda: edubadge.sign(
                doc(), key, suite="eddsa-rdfc-2022"
            ),
            "eddsa-rdfc-2022 verify (naive pyld)": lambda: naive_rdfc_verify(
                naive_doc(), key, loader
            ),
            "eddsa-rdfc-2022 verify (edubadge)": lambda: verify_proofs(rdfc_doc()),
            "eddsa-jcs-2022 issue (edubadge)": lambda: edubadge.sign(
                doc(), key, suite="eddsa-jcs-2022"
            ),
            "eddsa-jcs-2022 verify (edubadge)": lambda: verify_proofs(jcs_doc()),
            "safe-mode check, shape remembered (edubadge)": lambda: check(doc(), loader),
            "verify() all checks, rdfc (edubadge)": lambda: edubadge.verify(rdfc_doc()),
        },
        rounds,
        seconds,
    )
    return {
        "per_second": rates,
        "per_cpu_second": cpu_rates,
        "ratios": signing_ratios(rates),
        "ratios, CPU time": signing_ratios(cpu_rates),
    }


def suites(rounds: int, seconds: float) -> dict[str, Any]:
    """Issue and verify of the OB 3.0 credential with every suite that signs (ecdsa-sd-2023:
    the base proof, a disclosure and its verification) and with VC-JOSE, one Ed25519 and one
    P-256 key. Baselines of the same run: the naive pyld route of each Data Integrity
    RDFC-1.0 suite, and each key type's raw signature (for the JCS suites)."""
    loader = DocumentLoader()
    message = hashlib.sha256(b"x").digest() * 2
    key_of = {kind: keys.generate(kind) for kind in ("Ed25519", "P-256")}
    cases: dict[str, Case] = {
        f"{kind} sign (raw)": functools.partial(key.sign, message) for kind, key in key_of.items()
    }
    pairs: dict[str, tuple[str, str]] = {}
    for name in suite_names():
        suite = get_suite(name)
        kind = suite.key_algorithms[0]
        key = key_of[kind]
        issuer, unsigned = credential(key, suite=name)
        doc = fresh(unsigned)
        signed = [issuer.sign(doc()) for _ in range(16)]
        cases[f"{name} issue (edubadge)"] = lambda issuer=issuer, doc=doc: issuer.sign(doc())
        if suite.derivable:
            base = rotating(signed)
            disclosed = [derive(s, REVEALED, loader=loader) for s in signed]
            cases[f"{name} derive (edubadge)"] = lambda base=base: derive(
                base(), REVEALED, loader=loader
            )
            signed = disclosed
        assert all(outcome.verified for s in signed for outcome in verify_proofs(s))
        secured = rotating(signed)
        cases[f"{name} verify (edubadge)"] = lambda secured=secured: verify_proofs(secured())
        if isinstance(suite, JcsCryptosuite):
            pairs[f"{name} issue vs raw {kind} sign"] = (
                f"{name} issue (edubadge)",
                f"{kind} sign (raw)",
            )
        elif isinstance(suite, RdfcCryptosuite) and suite.proof_type == DATA_INTEGRITY_PROOF:
            if suite.derivable:
                continue  # its proof value is no single signature: no naive route to compare
            naive = [naive_rdfc_issue(doc(), key, loader, name) for _ in range(16)]
            assert all(outcome.verified for s in naive for outcome in verify_proofs(s))
            cases[f"{name} issue (naive pyld)"] = lambda doc=doc, key=key, name=name: (
                naive_rdfc_issue(doc(), key, loader, name)
            )
            naive_secured = rotating(naive)
            cases[f"{name} verify (naive pyld)"] = lambda secured=naive_secured, key=key: (
                naive_rdfc_verify(secured(), key, loader)
            )
            for step in ("issue", "verify"):
                pairs[f"{name} {step} vs naive"] = (
                    f"{name} {step} (edubadge)",
                    f"{name} {step} (naive pyld)",
                )
    for kind, key in key_of.items():
        _, unsigned = credential(key)
        doc = fresh(unsigned)
        tokens = [jose.sign(doc(), key) for _ in range(16)]
        for token in tokens:
            assert jose.verify_jws(jose.parse(token), loader=loader).controller == key.controller
        cases[f"vc-jose {kind} issue (edubadge)"] = lambda doc=doc, key=key: jose.sign(doc(), key)
        next_token = rotating(tokens)
        cases[f"vc-jose {kind} verify (edubadge)"] = lambda next_token=next_token: jose.verify_jws(
            jose.parse(next_token()), loader=loader
        )
    rates, cpu_rates = interleaved(cases, rounds, seconds)

    def ratios(of: dict[str, float]) -> dict[str, float]:
        return {name: of[case] / of[baseline] for name, (case, baseline) in pairs.items()}

    return {
        "per_second": rates,
        "per_cpu_second": cpu_rates,
        "ratios": ratios(rates),
        "ratios, CPU time": ratios(cpu_rates),
    }


def europass(rounds: int, seconds: float) -> dict[str, Any]:
    """A Europass EDC (ELM 3.2, as `EdcIssuer.credential` builds it, rendered displays
    included): RDFC-1.0 against naive pyld, and the JAdES seal and `verify()` of the EDC."""
    key = keys.generate()
    profile = Organisation.model_validate({"id": key.controller, **UNIVERSITY})
    material, root = make_test_material("RS256", organisation="Example University", country="BE")
    issuer = EdcIssuer(profile, material)
    document = issuer.credential(course_record(LEARNERS[1]))
    doc = fresh(document)
    loader = DocumentLoader()
    assert rdfc(document, loader) == naive_canon(document, loader)
    sealed = rotating([issuer.seal(doc()) for _ in range(16)])
    assert edubadge.verify(sealed(), trust_anchors=[root]).verified
    rates, cpu_rates = interleaved(
        {
            "edc rdfc canonicalisation (naive pyld)": lambda: naive_canon(doc(), loader),
            "edc rdfc canonicalisation (edubadge)": lambda: rdfc(doc(), loader),
            "edc JAdES RS256 seal (edubadge)": lambda: issuer.seal(doc()),
            "edc verify() all checks, JAdES (edubadge)": lambda: edubadge.verify(
                sealed(), trust_anchors=[root]
            ),
        },
        rounds,
        seconds,
    )
    case = "edc rdfc canonicalisation"

    def ratio(of: dict[str, float]) -> dict[str, float]:
        return {f"{case} vs naive": of[f"{case} (edubadge)"] / of[f"{case} (naive pyld)"]}

    return {
        "document_bytes": len(json.dumps(document, ensure_ascii=False).encode("utf-8")),
        "per_second": rates,
        "per_cpu_second": cpu_rates,
        "ratios": ratio(rates),
        "ratios, CPU time": ratio(cpu_rates),
    }


def signing_ratios(rates: dict[str, float]) -> dict[str, float]:
    """The ratios the targets are about, from one set of rates."""
    pairs = {
        "rdfc canonicalisation vs naive": ("rdfc canonicalisation", "naive pyld"),
        "eddsa-rdfc-2022 issue vs naive (target >= 10)": ("eddsa-rdfc-2022 issue", "naive pyld"),
        "eddsa-rdfc-2022 verify vs naive (target >= 10)": ("eddsa-rdfc-2022 verify", "naive pyld"),
    }
    ratios = {
        name: rates[f"{case} (edubadge)"] / rates[f"{case} ({baseline})"]
        for name, (case, baseline) in pairs.items()
    }
    ratios["eddsa-jcs-2022 issue vs raw ed25519 sign (target >= 0.5)"] = (
        rates["eddsa-jcs-2022 issue (edubadge)"] / rates["ed25519 sign (raw)"]
    )
    return ratios


def poison(size: int = 24) -> dict[str, Any]:
    """A poison graph: `size` look-alike blank nodes, all linked. As JSON-LD it needs blank
    node labels, which safe mode refuses at once; its statements, reaching RDFC-1.0 any
    other way, meet the work bound."""
    labels = [f"_:p{i}" for i in range(size)]
    link = "<https://example.org/link>"
    statements = [(x, link, y) for x in labels for y in labels if x != y]
    start = time.perf_counter()
    try:
        canonical_nquads(statements)
        refused = False
    except ResourceLimitError:
        refused = True
    seconds = time.perf_counter() - start
    nodes = [
        {"id": x, "https://example.org/link": [{"id": y} for y in labels if y != x]} for x in labels
    ]
    document = {"@context": ["https://www.w3.org/ns/credentials/v2"], "id": "urn:x:root"}
    document["https://example.org/has"] = nodes
    start = time.perf_counter()
    try:
        rdfc(document, DocumentLoader())
        refused_as_json_ld = False
    except UnsafeTermError:
        refused_as_json_ld = True
    return {
        "blank_nodes": size,
        "refused": refused,
        "seconds": seconds,
        "json_ld_refused_by_safe_mode": refused_as_json_ld,
        "json_ld_seconds": time.perf_counter() - start,
    }


def status_checks(rounds: int, seconds: float) -> dict[str, Any]:
    """Checks of BitstringStatusListEntry entries against a cached, verified list (131,072
    entries, every tenth revoked), on entries spread over the whole list."""
    key = keys.generate()
    issuer, _ = credential(key)
    url = "https://status.example-university.eu/lists/revocation/1.json"
    bits = Bitstring.zeros(131_072)
    for index in range(0, 131_072, 10):
        bits.set(index, 1)
    listed = issuer.sign(
        list_credential(
            url=url,
            issuer=issuer.profile.id,
            purpose="revocation",
            bits=bits,
            valid_from=datetime.now(UTC) - timedelta(minutes=1),
            validity=None,
            ttl_ms=None,
        )
    )
    resolver = StatusResolver({url: listed})
    entries = [
        {
            "id": f"{url}#{i}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(i),
            "statusListCredential": url,
        }
        for i in range(0, 131_072, 97)
    ]
    now = datetime.now(UTC)
    entry = rotating(entries)
    assert resolver.check(entries[0], issuer=issuer.profile.id, now=now).revoked
    rates, cpu_rates = interleaved(
        {
            "status check, cached list": lambda: resolver.check(
                entry(), issuer=issuer.profile.id, now=now
            )
        },
        rounds,
        seconds,
    )
    return {"per_second": rates, "per_cpu_second": cpu_rates, "target": ">= 100,000 per second"}


def records(count: int) -> Iterator[MicroCredential]:
    """`count` distinct records (their learners' emails differ), made cheaply: the input
    stream should cost the batch's parent process as little as reading a file would."""
    base = course_record(LEARNERS[0])
    for n in range(count):
        learner = base.learner.model_copy(update={"email": f"learner{n}@student.example.eu"})
        yield base.model_copy(update={"learner": learner})


class Memory:
    """Samples the resident memory of this process and its children (workers) meanwhile."""

    def __init__(self, every: float = 0.25) -> None:
        self.every = every
        self.samples: list[tuple[float, int, int]] = []  # (seconds, main RSS, workers' RSS)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        start = time.perf_counter()
        while not self._stop.wait(self.every):
            try:
                main = me.memory_info().rss
                workers = sum(c.memory_info().rss for c in me.children(recursive=True))
            except psutil.Error:
                continue
            self.samples.append((time.perf_counter() - start, main, workers))

    def __enter__(self) -> Memory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def summary(self) -> dict[str, Any]:
        """Peak and quartiles of the total (MB), the main process's peak, and a coarse curve."""
        if not self.samples:
            return {}
        mb = 2**20
        totals = sorted(m + w for _, m, w in self.samples)
        step = max(1, len(self.samples) // 20)
        return {
            "samples": len(self.samples),
            "peak_rss_mb_all_processes": totals[-1] / mb,
            "peak_rss_mb_main_process": max(m for _, m, _ in self.samples) / mb,
            "quartiles_rss_mb_all_processes": [
                totals[int(q * (len(totals) - 1))] / mb for q in (0.25, 0.5, 0.75)
            ],
            "curve_seconds_main_workers_mb": [
                (round(t, 1), round(m / mb), round(w / mb)) for t, m, w in self.samples[::step]
            ],
        }


def _cpu_seconds() -> tuple[float, float]:
    """CPU time of this process, and of its children that have ended (the pool's workers)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, children.ru_utime + children.ru_stime


def ideal_rate(main: float, workers: float, count: int, processes: int, cores: int = 2) -> float:
    """Records per second on `cores` idle cores, from the CPU each record took: the main
    process, each of `processes` workers and the cores bound it (I/O waits not counted)."""
    main, workers = main / count, workers / count
    bounds = [1 / main, cores / (main + workers)]
    if processes:
        bounds.append(processes / workers)
    return min(bounds)


STORES = ("sqlite", "files", "none")


def store_kind(value: str) -> str:
    """A `--batch-store` value: one of STORES, or a PostgreSQL connection URL."""
    if value in STORES or is_postgres_url(value):
        return value
    raise argparse.ArgumentTypeError(f"not one of {', '.join(STORES)} nor a postgresql:// URL")


def store_name(kind: str) -> str:
    """How results name a store (a PostgreSQL URL without its password)."""
    return "postgresql " + redact(kind) if is_postgres_url(kind) else kind


@contextmanager
def scratch_database(dsn: str) -> Iterator[str]:
    """A new, empty database on the server `dsn` names, dropped afterwards: each run starts
    with an empty store, and nothing of the user's is touched."""
    import psycopg
    from psycopg import sql

    name = f"edubadge_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield psycopg.conninfo.make_conninfo(dsn, dbname=name)
    finally:
        with psycopg.connect(dsn, autocommit=True) as admin:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            admin.execute(drop.format(sql.Identifier(name)))


@contextmanager
def _store(kind: str, out: Path) -> Iterator[BatchStore | None]:
    if is_postgres_url(kind):
        with scratch_database(kind) as dsn:
            store = PostgresStore(dsn)
            try:
                yield store
            finally:
                store.close()
    elif kind == "sqlite":
        yield SqliteStore(out / "issued.sqlite")
    else:
        yield DirectoryStore(out) if kind == "files" else None


def batch(
    count: int, mode: str, key_file: Path, out: Path, store: str = "sqlite"
) -> dict[str, Any]:
    """One batch run: `mode` is "in-process" (no executor) or a number of pool workers;
    `store` one of STORES."""
    key = keys.load_key(key_file)
    issuer, _ = credential(key)
    pool = None if mode == "in-process" else ProcessPoolExecutor(max_workers=int(mode))
    issued = failed = 0
    with _store(store, out) as keep:
        cpu = _cpu_seconds()
        load = os.getloadavg()[0]
        with Memory() as memory:
            start = time.perf_counter()
            for outcome in issuer.issue_many(
                records(count), pool, key_file=key_file if pool else None, store=keep
            ):
                issued += outcome.status == "issued"
                failed += outcome.status == "failed"
            elapsed = time.perf_counter() - start
        if pool is not None:
            pool.shutdown()  # its workers' CPU time counts once they have ended
    after = _cpu_seconds()
    main_cpu, workers_cpu = after[0] - cpu[0], after[1] - cpu[1]
    processes = 0 if pool is None else int(mode)
    return {
        "records": count,
        "mode": mode,
        "store": store_name(store),
        "issued": issued,
        "failed": failed,
        "seconds": elapsed,
        "per_second": issued / elapsed,
        "cpu_seconds_main": main_cpu,
        "cpu_seconds_workers": workers_cpu,
        "ideal_per_second_on_2_idle_cores": ideal_rate(main_cpu, workers_cpu, count, processes),
        "load_average_1min_before_after": [load, os.getloadavg()[0]],
        **memory.summary(),
    }


def _spin(iterations: int) -> int:
    """Pure CPU work in the interpreter (no I/O, little memory)."""
    total = 0
    for i in range(iterations):
        total += i % 7
    return total


def machine_rate(workers: int, tasks_per_worker: int = 4, iterations: int = 2_000_000) -> float:
    """Tasks of `_spin` per second on a pool of `workers` processes: what the machine gives."""
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_spin, [1000] * workers))  # the workers are up
        start = time.perf_counter()
        list(pool.map(_spin, [iterations] * (tasks_per_worker * workers)))
        return tasks_per_worker * workers / (time.perf_counter() - start)


def store_commit(folder: Path, kind: str, count: int = 64, size: int = 2500) -> dict[str, float]:
    """Wall and CPU milliseconds of one crash-safe `put_many` of `count` credentials."""
    target = folder / "commit"
    items = [(f"key-{i}", {"id": f"urn:x:{i}", "filler": "x" * size}) for i in range(count)]
    with _store(kind, target) as store:
        if store is not None:
            store.put_many([("warm-up", {"id": "urn:x:warm-up"})])  # connected, table made
        cpu, start = time.process_time(), time.perf_counter()
        if store is not None:
            store.put_many(items)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    shutil.rmtree(target, ignore_errors=True)
    return {"credentials": count, "wall_ms": wall * 1e3, "cpu_ms_this_process": cpu * 1e3}


def batches(count: int, rounds: int, modes: list[str], store: str = "sqlite") -> dict[str, Any]:
    """Interleaved batch runs per mode; medians, and the 2-vs-1 worker ratio two ways.

    On a machine shared with other work, wall-clock ratios say how much of two cores the
    runs got; the CPU-time-normalised ratio (`ideal_rate` from each run's measured CPU per
    record) says what 2 workers give over 1 on 2 idle cores.
    """
    with tempfile.TemporaryDirectory() as folder:
        key_file = Path(folder) / "issuer.key"
        keys.save_key(keys.generate(), key_file)
        runs: dict[str, list[dict[str, Any]]] = {mode: [] for mode in modes}
        machine: dict[int, list[float]] = {1: [], 2: []}
        commits = []
        for r in range(rounds):
            for workers in (1, 2):
                machine[workers].append(machine_rate(workers))
            commits.append(store_commit(Path(folder), store))
            for mode in modes:
                out = Path(folder) / f"out-{mode}-{r}"
                runs[mode].append(batch(count, mode, key_file, out, store))
                shutil.rmtree(out, ignore_errors=True)
        median = {m: statistics.median(x["per_second"] for x in v) for m, v in runs.items()}
        ideal = {
            m: statistics.median(x["ideal_per_second_on_2_idle_cores"] for x in v)
            for m, v in runs.items()
        }
        scaling = [two / one for one, two in zip(machine[1], machine[2], strict=True)]
        result: dict[str, Any] = {
            "store": store_name(store),
            "runs": runs,
            "machine: pure-CPU work, 2 processes vs 1 (median of rounds)": statistics.median(
                scaling
            ),
            "store: one put_many of 64 credentials, median wall ms": statistics.median(
                c["wall_ms"] for c in commits
            ),
            "store: one put_many of 64 credentials, median CPU ms": statistics.median(
                c["cpu_ms_this_process"] for c in commits
            ),
            "per_second_median": median,
            "ideal_per_second_on_2_idle_cores_median": ideal,
            "peak_rss_mb_all_processes": max(
                x.get("peak_rss_mb_all_processes", 0) for v in runs.values() for x in v
            ),
        }
        if "2" in median:
            for one in ("1", "in-process"):
                if one in median:
                    result[f"ratio 2 workers vs {one}, wall clock (target >= 1.7)"] = (
                        median["2"] / median[one]
                    )
                    result[f"ratio 2 workers vs {one}, CPU-time normalised"] = (
                        ideal["2"] / ideal[one]
                    )
        return result


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=0.5, help="per case and round")
    parser.add_argument("--batch", type=int, default=2000, help="records per batch run")
    parser.add_argument("--batch-rounds", type=int, default=1)
    parser.add_argument(
        "--batch-modes",
        default="in-process,1,2",
        help="comma-separated: in-process (no executor) and/or numbers of pool workers",
    )
    parser.add_argument(
        "--only",
        choices=("signing", "suites", "batch"),
        help="run one section (with the poison graph)",
    )
    parser.add_argument(
        "--batch-store",
        type=store_kind,
        default="sqlite",
        metavar="{sqlite,files,none,postgresql://...}",
        help="where batch runs keep credentials: SqliteStore (one commit per chunk),"
        " DirectoryStore (one synced file per credential), nowhere, or PostgresStore in a"
        " scratch database made (and dropped) on the server the URL names for each run",
    )
    parser.add_argument("--out", default="bench-results.json")
    args = parser.parse_args()
    results: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_at_start": os.getloadavg(),
        },
        "poison_graph": poison(),
    }
    if args.only in (None, "signing"):
        results["signing"] = signing(args.rounds, args.seconds)
        results["europass"] = europass(args.rounds, args.seconds)
        results["status_checks"] = status_checks(args.rounds, args.seconds)
    if args.only in (None, "suites"):
        results["suites"] = suites(args.rounds, args.seconds)
    if args.batch and args.only in (None, "batch"):
        modes = args.batch_modes.split(",")
        results["batch"] = batches(args.batch, args.batch_rounds, modes, args.batch_store)
    results["machine"]["load_average_at_end"] = os.getloadavg()
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    report(results)
    print(f"-> {args.out}")


def report(results: dict[str, Any]) -> None:
    """The figures of a run, as lines of text."""
    print(f"load average at start {results['machine']['load_average_at_start']}")
    for section in ("signing", "europass", "status_checks", "suites"):
        if section in results:
            cpu = results[section]["per_cpu_second"]
            for name, value in results[section]["per_second"].items():
                print(f"{name:45s} {value:12,.0f} /s {cpu[name]:12,.0f} /CPU-s")
    for section in ("signing", "europass", "suites"):
        if section in results:
            cpu = results[section]["ratios, CPU time"]
            for name, value in results[section]["ratios"].items():
                print(f"{name:60s} {value:8.2f} {cpu[name]:8.2f} (CPU time)")
    print(f"poison graph: {results['poison_graph']}")
    if "batch" in results:
        b = results["batch"]
        for name, value in b.items():
            if name != "runs":
                print(f"batch {name}: {value}")
    print(f"load average at end {results['machine']['load_average_at_end']}")


if __name__ == "__main__":
    main()
