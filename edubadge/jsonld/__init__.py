"""JSON-LD: the offline loader, safe-mode processing and canonical forms."""

from .canon import check, expand, jcs, jcs_checked, rdfc, route_counts, to_dataset
from .loader import DocumentLoader, bundled_urls, default_loader

__all__ = [
    "DocumentLoader",
    "bundled_urls",
    "check",
    "default_loader",
    "expand",
    "jcs",
    "jcs_checked",
    "rdfc",
    "route_counts",
    "to_dataset",
]
