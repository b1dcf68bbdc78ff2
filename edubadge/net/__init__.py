"""Opt-in network access. Nothing in edubadge fetches unless the caller passes a `Fetcher`."""

from .fetcher import Fetched, Fetcher, fetch_json
from .https import HttpsFetcher

__all__ = ["Fetched", "Fetcher", "HttpsFetcher", "fetch_json"]
