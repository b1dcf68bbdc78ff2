"""The demo's shared state and the artifact manifest."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509

from .. import keys
from ..issuer import Issuer
from ..jsonld.loader import DocumentLoader
from ..keys.signer import Signer
from ..status.store import StatusStore

Say = Callable[[str], None]


@dataclass
class DemoRun:
    """Where the demo writes, what it has written, who issues, and how it speaks."""

    directory: Path
    say: Say
    loader: DocumentLoader = field(default_factory=DocumentLoader)
    manifest: list[dict[str, Any]] = field(default_factory=list)
    issuers: dict[str, Issuer] = field(default_factory=dict)
    store: StatusStore | None = None
    trust_anchors: list[x509.Certificate] = field(default_factory=list)  # for sealed artifacts
    holders: dict[str, Signer] = field(default_factory=dict)
    # presentation file -> (challenge, domain) its verifier expects
    challenges: dict[str, tuple[str, str]] = field(default_factory=dict)
    # status list credentials by URL, as published at a named moment ("award")
    snapshots: dict[str, dict[str, Any]] = field(default_factory=dict)
    step: int = 0

    def holder(self, name: str) -> str:
        """A learner's wallet DID (a did:key), made on first use, the same in every step; its
        key signs the learner's presentations (`holders[name]`)."""
        if name not in self.holders:
            self.holders[name] = keys.generate()
        return self.holders[name].id.split("#", 1)[0]

    def heading(self, text: str) -> None:
        """Announce the next step."""
        self.step += 1
        self.say(f"\n{self.step}. {text}")

    def write(
        self,
        name: str,
        document: Any,
        *,
        role: str,
        format: str,
        suite: str | None,
        expect: str,
    ) -> Path:
        """Write one artifact (JSON, or text such as a compact JWS) and list it in the manifest."""
        path = self.directory / name
        text = (
            document
            if isinstance(document, str)
            else json.dumps(document, indent=2, ensure_ascii=False)
        )
        path.write_text(text + "\n", encoding="utf-8")
        self.add(name, role=role, format=format, suite=suite, expect=expect)
        return path

    def add(self, name: str, *, role: str, format: str, suite: str | None, expect: str) -> None:
        """List an artifact already written in the manifest."""
        self.manifest.append(
            {"file": name, "role": role, "format": format, "suite": suite, "expect": expect}
        )

    def expect(self, name: str, verdict: str) -> None:
        """A later step changed what an artifact verifies as (it revoked it, say)."""
        for entry in self.manifest:
            if entry["file"] == name:
                entry["expect"] = verdict

    def read(self, name: str) -> Any:
        """An artifact written earlier."""
        return json.loads((self.directory / name).read_text("utf-8"))
