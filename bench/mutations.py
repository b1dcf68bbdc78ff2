"""Mutation proofing in bulk: N random edits per suite and envelope, every one must fail.

    python -m bench.mutations [--per-case 1000] [--seed 0] [--out mutations.json] [--write-docs]

Each case is a signed artifact from tests/mutation_cases.py (every Data Integrity suite,
VC-JOSE and the OB 3.0 VC-JWT with each signature algorithm, JAdES seals); each edit is one to
four random changes of values, keys, types, contexts, proof fields or ordered arrays. Edits
that cancel out are not counted. `--write-docs` puts the table into docs/security.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path
from typing import Any

from tests.mutation_cases import RandomChooser, all_cases, caught_by_signature

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "security.md"
BEGIN, END = "<!-- mutations:begin -->", "<!-- mutations:end -->"


def run(per_case: int, seed: int) -> dict[str, Any]:
    """Mutate every case `per_case` times; the counts (and any edit that verified)."""
    rows = []
    for case in all_cases():
        tried = rejected = by_signature = 0
        escaped: list[int] = []
        started = time.perf_counter()
        for n in range(per_case):
            edited = case.mutate(case.artifact, RandomChooser(seed * 1_000_003 + n))
            if edited is None:
                continue
            tried += 1
            result = case.check(edited)
            if result.verified:
                escaped.append(n)
            else:
                rejected += 1
                by_signature += caught_by_signature(result)
        rows.append(
            {
                "case": case.name,
                "tried": tried,
                "rejected": rejected,
                "by_signature": by_signature,
                "escaped": escaped,
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
        print(json.dumps(rows[-1]), flush=True)
    return {
        "per_case": per_case,
        "seed": seed,
        "python": platform.python_version(),
        "cases": rows,
        "tried": sum(r["tried"] for r in rows),
        "rejected": sum(r["rejected"] for r in rows),
        "by_signature": sum(r["by_signature"] for r in rows),
    }


def table(report: dict[str, Any]) -> str:
    """The Markdown table for docs/security.md."""
    lines = [
        f"`python -m bench.mutations --per-case {report['per_case']} --seed {report['seed']}`:",
        "",
        "| suite or envelope | edits tried | rejected | of which by the signature itself |",
        "| --- | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {r['case']} | {r['tried']} | {r['rejected']} | {r['by_signature']} |"
        for r in report["cases"]
    ]
    lines.append(
        f"| **all** | **{report['tried']}** | **{report['rejected']}** "
        f"| **{report['by_signature']}** |"
    )
    return "\n".join(lines)


def write_docs(report: dict[str, Any]) -> None:
    """Replace the table between the markers in docs/security.md."""
    text = DOCS.read_text("utf-8")
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    DOCS.write_text(f"{head}{BEGIN}\n{table(report)}\n{END}{tail}", "utf-8")


def main() -> int:
    """The command line above; exit 1 when any edit verified."""
    parser = argparse.ArgumentParser(prog="python -m bench.mutations")
    parser.add_argument("--per-case", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    report = run(args.per_case, args.seed)
    if args.out:
        args.out.write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    if args.write_docs:
        write_docs(report)
    print(f"{report['tried']} edits tried, {report['rejected']} rejected")
    return 0 if report["tried"] == report["rejected"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
