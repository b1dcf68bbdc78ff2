"""The issuer service (optional extra `edubadge[server]`): the W3C VC-API over HTTP.

`edubadge serve` runs it; `edubadge.server.app.create_app(config)` builds the ASGI
application for embedding. Only `app.py` and what runs it import FastAPI and uvicorn, so
`edubadge.server.config` and the rest load without the extra.
"""

from .config import IssuerProfile, ServerConfig, load_config

__all__ = ["IssuerProfile", "ServerConfig", "load_config"]
