"""Run one target under atheris (libFuzzer): `python -m fuzz.run TARGET [libFuzzer args]`.

Only edubadge and pyld are instrumented for coverage (what we own and what parses the
hostile JSON-LD); every other library runs at full speed.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Instrument, then hand the target to libFuzzer (which never returns)."""
    import atheris

    if len(sys.argv) < 2:
        raise SystemExit("usage: python -m fuzz.run TARGET [libFuzzer args]")
    name = sys.argv[1]
    with atheris.instrument_imports(include=["edubadge", "pyld"]):
        import pyld.jsonld  # noqa: F401

        import edubadge  # noqa: F401

        from .targets import TARGETS
    if name not in TARGETS:
        raise SystemExit(f"unknown target {name!r}; targets: {', '.join(TARGETS)}")
    atheris.Setup([sys.argv[0], *sys.argv[2:]], TARGETS[name])
    atheris.Fuzz()


if __name__ == "__main__":
    main()
