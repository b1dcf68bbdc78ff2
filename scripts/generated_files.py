"""Write or check a set of generated files (shared by the build_* maintainer scripts)."""

from __future__ import annotations

import sys
from pathlib import Path


def write_or_check(files: dict[str, bytes], root: Path, *, check: bool) -> int:
    """With `check`, exit status 1 if any file under `root` differs; else write them all."""
    if check:
        stale = [
            name
            for name, data in files.items()
            if not (root / name).is_file() or (root / name).read_bytes() != data
        ]
        for name in stale:
            print(f"differs: {root.name}/{name}", file=sys.stderr)
        return 1 if stale else 0
    for name, data in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    print(f"wrote {len(files)} files under {root}")
    return 0
