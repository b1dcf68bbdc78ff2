"""Seed corpora: our own vectors and examples, a fresh demo run's artifacts, and (when it is
beside the checkout) the reference vectors in ../shared, read in place and never committed."""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "vectors"
MAX_SEED_BYTES = 256 * 1024
_KINDS = {
    "verify_json": (".json", ".jsonld"),
    "verify_dict": (".json", ".jsonld"),
    "verify_jwt": (".jwt", ".jws", ".txt"),
    "verify_png": (".png",),
    "verify_svg": (".svg",),
    "unbake": (".png", ".svg"),
    "microcredential": (".json",),
    "ob3": (".json", ".jsonld"),
    "edc": (".json", ".jsonld"),
    "verify_presentation": (".json", ".jsonld"),
    "status_list": (".json", ".jsonld"),
}
# files whose name says they are micro-credential descriptions (the input format)
_DESCRIPTIONS = ("input", "microcredential")


def _demo_artifacts() -> Path:
    """A fresh `edubadge demo` output folder: every format we write, valid and forged."""
    from edubadge.demo import run_demo

    folder = Path(tempfile.mkdtemp(prefix="edubadge-fuzz-demo-"))
    run_demo(folder, say=lambda *_: None)
    return folder


def _files(folders: list[Path]) -> Iterator[Path]:
    for folder in folders:
        if folder.is_dir():
            yield from sorted(p for p in folder.rglob("*") if p.is_file())


def seed_files(target: str, *, demo: Path | None = None) -> list[Path]:
    """The files that seed `target`."""
    suffixes = _KINDS[target]
    folders = [ROOT / "vectors", ROOT / "examples", SHARED]
    if demo is not None:
        folders.append(demo)
    found = []
    for path in _files(folders):
        if path.suffix.lower() not in suffixes or path.stat().st_size > MAX_SEED_BYTES:
            continue
        if target == "microcredential" and not any(d in path.name for d in _DESCRIPTIONS):
            continue
        found.append(path)
    regressions = ROOT / "fuzz" / "regressions" / target
    if regressions.is_dir():
        found += sorted(p for p in regressions.iterdir() if p.is_file())
    return found


def _encoded_lists(paths: list[Path]) -> list[bytes]:
    """status_list seeds: each `encodedList` found in the JSON files, plus lists we encode."""
    from edubadge.status import bitstring

    found = {bitstring.encode(bytes(n)) for n in (16, 1024, 16 * 1024)}
    found.add(bitstring.encode(bytes(range(256)) * 8))
    for path in paths:
        for match in re.finditer(rb'"encodedList"\s*:\s*"([^"]+)"', path.read_bytes()):
            found.add(match.group(1).decode("ascii", "replace"))
    return [b"\x00\x00\x00\x17\x00\n" + text.encode() for text in sorted(found)]


def seeds(target: str, *, demo: Path | None = None) -> list[bytes]:
    """The seed inputs of `target`."""
    paths = seed_files(target, demo=demo)
    if target == "status_list":
        return _encoded_lists(paths)
    return [path.read_bytes() for path in paths]


def write_corpus(target: str, directory: Path, *, demo: Path | None = None) -> int:
    """Fill `directory` with `target`'s seeds (named by content hash); the number written."""
    directory.mkdir(parents=True, exist_ok=True)
    count = 0
    for data in seeds(target, demo=demo):
        (directory / hashlib.sha1(data).hexdigest()).write_bytes(data)
        count += 1
    return count


def demo_folder() -> Path:
    """The demo artifacts (made once per call)."""
    return _demo_artifacts()
