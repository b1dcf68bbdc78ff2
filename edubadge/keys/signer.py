"""The `Signer` protocol: anything that can sign for a verification method (keys, KMS, HSM)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class Signer(Protocol):
    """Signs bytes for the verification method `id` with `algorithm` (e.g. "Ed25519").

    The secret stays inside the signer: proofs only ever call `sign`.
    """

    id: str
    algorithm: str

    def sign(self, data: bytes) -> bytes:
        """The raw signature over `data`."""
        ...
