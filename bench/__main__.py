"""Throughput of edubadge against the naive pyld route, measured side by side in one run.

    python -m bench [--rounds 7] [--batch 2000] [--out bench-results.json]

Every figure is a median over interleaved rounds (the baseline and edubadge alternate, so
load from other processes hits both alike). Ratios compare figures of the same run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import psutil
import rfc8785
from pyld import jsonld

import edubadge
from edubadge import keys
from edubadge.batch import DirectoryStore
from edubadge.demo.data import LEARNERS, UNIVERSITY, course_record
from edubadge.errors import ResourceLimitError
from edubadge.issuer import Issuer
from edubadge.jsonld import DocumentLoader, rdfc
from edubadge.keys.multikey import encode_multibase
from edubadge.model import MicroCredential, Organisation
from edubadge.proofs import verify_proofs

Case = Callable[[], object]


def rate(case: Case, seconds: float) -> float:
    """Operations per second of `case`, run for about `seconds`."""
    case()
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        case()
        count += 1
    return count / elapsed


def interleaved(cases: dict[str, Case], rounds: int, seconds: float) -> dict[str, float]:
    """Median rate of each case over `rounds` rounds that alternate between the cases."""
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, case in cases.items():
            samples[name].append(rate(case, seconds))
    return {name: statistics.median(values) for name, values in samples.items()}


# --- the naive route: plain pyld and cryptography, no caches of ours ----------------------


def naive_canon(document: dict[str, Any], loader: DocumentLoader) -> str:
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": loader,
    }
    return jsonld.normalize(document, options)  # type: ignore[no-any-return]


def naive_rdfc_issue(document: dict[str, Any], key: keys.KeyPair, loader: DocumentLoader) -> Any:
    config = {
        "@context": document["@context"],
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
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


def credential(key: keys.KeyPair) -> tuple[Issuer, dict[str, Any]]:
    profile = Organisation.model_validate({"id": key.controller, **UNIVERSITY})
    issuer = Issuer(profile, key)
    return issuer, issuer.credential(course_record(LEARNERS[1]))


def signing(rounds: int, seconds: float) -> dict[str, Any]:
    key = keys.generate()
    _, unsigned = credential(key)
    loader = DocumentLoader()
    signed_rdfc = edubadge.sign(unsigned, key, suite="eddsa-rdfc-2022")
    signed_jcs = edubadge.sign(unsigned, key, suite="eddsa-jcs-2022")
    naive_signed = naive_rdfc_issue(unsigned, key, loader)
    assert naive_rdfc_verify(naive_signed, key, loader)
    assert rdfc(unsigned, loader) == naive_canon(unsigned, loader)
    message = hashlib.sha256(b"x").digest() * 2
    rates = interleaved(
        {
            "ed25519 sign (raw)": lambda: key.sign(message),
            "jcs canonicalisation (rfc8785)": lambda: rfc8785.dumps(unsigned),
            "jcs canonicalisation (edubadge)": lambda: edubadge.jsonld.jcs(unsigned),
            "rdfc canonicalisation (naive pyld)": lambda: naive_canon(unsigned, loader),
            "rdfc canonicalisation (edubadge)": lambda: rdfc(unsigned, loader),
            "eddsa-rdfc-2022 issue (naive pyld)": lambda: naive_rdfc_issue(unsigned, key, loader),
            "eddsa-rdfc-2022 issue (edubadge)": lambda: edubadge.sign(
                unsigned, key, suite="eddsa-rdfc-2022"
            ),
            "eddsa-rdfc-2022 verify (naive pyld)": lambda: naive_rdfc_verify(
                naive_signed, key, loader
            ),
            "eddsa-rdfc-2022 verify (edubadge)": lambda: verify_proofs(signed_rdfc),
            "eddsa-jcs-2022 issue (edubadge)": lambda: edubadge.sign(
                unsigned, key, suite="eddsa-jcs-2022"
            ),
            "eddsa-jcs-2022 verify (edubadge)": lambda: verify_proofs(signed_jcs),
            "verify() all checks, rdfc (edubadge)": lambda: edubadge.verify(signed_rdfc),
        },
        rounds,
        seconds,
    )
    ratios = {
        "rdfc canonicalisation vs naive": rates["rdfc canonicalisation (edubadge)"]
        / rates["rdfc canonicalisation (naive pyld)"],
        "eddsa-rdfc-2022 issue vs naive (target >= 10)": rates["eddsa-rdfc-2022 issue (edubadge)"]
        / rates["eddsa-rdfc-2022 issue (naive pyld)"],
        "eddsa-rdfc-2022 verify vs naive (target >= 10)": rates["eddsa-rdfc-2022 verify (edubadge)"]
        / rates["eddsa-rdfc-2022 verify (naive pyld)"],
        "eddsa-jcs-2022 issue vs raw ed25519 sign (target >= 0.5)": rates[
            "eddsa-jcs-2022 issue (edubadge)"
        ]
        / rates["ed25519 sign (raw)"],
    }
    return {"per_second": rates, "ratios": ratios}


def poison(size: int = 24) -> dict[str, Any]:
    labels = [f"_:p{i}" for i in range(size)]
    nodes = [
        {"id": x, "https://example.org/link": [{"id": y} for y in labels if y != x]} for x in labels
    ]
    document = {"@context": ["https://www.w3.org/ns/credentials/v2"], "id": "urn:x:root"}
    document["https://example.org/has"] = nodes
    start = time.perf_counter()
    try:
        rdfc(document, DocumentLoader())
        refused = False
    except ResourceLimitError:
        refused = True
    return {"blank_nodes": size, "refused": refused, "seconds": time.perf_counter() - start}


def records(count: int) -> Iterator[MicroCredential]:
    for n in range(count):
        learner = {**LEARNERS[n % 3], "email": f"learner{n}@student.example.eu"}
        yield course_record(learner)


class PeakMemory:
    """Samples the resident memory of this process and its children (workers) meanwhile."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(0.05):
            try:
                main = me.memory_info().rss
                workers = [c.memory_info().rss for c in me.children(recursive=True)]
            except psutil.Error:
                continue
            self.peak = max(self.peak, main + sum(workers))
            self.main_peak = max(getattr(self, "main_peak", 0), main)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def batch(count: int, workers: int, key_file: Path, out: Path) -> dict[str, Any]:
    key = keys.load_key(key_file)
    issuer, _ = credential(key)
    store = DirectoryStore(out)
    pool = ProcessPoolExecutor(max_workers=workers) if workers > 1 else None
    issued = failed = 0
    with PeakMemory() as memory:
        start = time.perf_counter()
        for outcome in issuer.issue_many(
            records(count), pool, key_file=key_file if pool else None, store=store
        ):
            issued += outcome.status == "issued"
            failed += outcome.status == "failed"
        elapsed = time.perf_counter() - start
    if pool is not None:
        pool.shutdown()
    return {
        "records": count,
        "workers": workers,
        "issued": issued,
        "failed": failed,
        "seconds": elapsed,
        "per_second": issued / elapsed,
        "peak_rss_mb_all_processes": memory.peak / 2**20,
        "peak_rss_mb_main_process": getattr(memory, "main_peak", 0) / 2**20,
    }


def batches(count: int, rounds: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        key_file = Path(folder) / "issuer.key"
        keys.save_key(keys.generate(), key_file)
        runs: dict[int, list[dict[str, Any]]] = {1: [], 2: []}
        for r in range(rounds):
            for workers in (1, 2):
                out = Path(folder) / f"out-{workers}-{r}"
                runs[workers].append(batch(count, workers, key_file, out))
        median = {w: statistics.median(x["per_second"] for x in v) for w, v in runs.items()}
        return {
            "runs": runs,
            "per_second_median": median,
            "ratio 2 workers vs 1 (target >= 1.7)": median[2] / median[1],
            "peak_rss_mb_all_processes": max(
                x["peak_rss_mb_all_processes"] for v in runs.values() for x in v
            ),
        }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=0.5, help="per case and round")
    parser.add_argument("--batch", type=int, default=2000, help="records per batch run")
    parser.add_argument("--batch-rounds", type=int, default=1)
    parser.add_argument("--out", default="bench-results.json")
    args = parser.parse_args()
    results: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_at_start": os.getloadavg(),
        },
        "signing": signing(args.rounds, args.seconds),
        "poison_graph": poison(),
        "status_checks": "not measured: the status module is not on this branch",
        "edc": "not measured: edubadge/formats/edc.py is not on this branch",
    }
    if args.batch:
        results["batch"] = batches(args.batch, args.batch_rounds)
    results["machine"]["load_average_at_end"] = os.getloadavg()
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    for name, value in results["signing"]["per_second"].items():
        print(f"{name:45s} {value:12,.0f} /s")
    for name, value in results["signing"]["ratios"].items():
        print(f"{name:60s} {value:8.2f}")
    print(f"poison graph: {results['poison_graph']}")
    if args.batch:
        b = results["batch"]
        ratio = b["ratio 2 workers vs 1 (target >= 1.7)"]
        print(f"batch of {args.batch}: {b['per_second_median']} /s, 2 vs 1 workers {ratio:.2f}")
        print(f"peak RSS, all processes: {b['peak_rss_mb_all_processes']:.0f} MB")
    print(f"-> {args.out}")


if __name__ == "__main__":
    main()
