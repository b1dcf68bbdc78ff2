"""`edubadge serve`: the issuer service (VC-API) and the verifier page over HTTP."""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

from ..errors import InputError
from .common import EXIT_OK


def run(args: argparse.Namespace) -> int:
    """Run the service (or print a new secret and its hash)."""
    from ..server.config import hash_secret, new_secret

    if args.new_secret:
        secret = new_secret()
        print(f"secret (give it to the client, once): {secret}")
        print(f"hash (put it in the configuration):  {hash_secret(secret)}")
        return EXIT_OK
    from ..server.launch import bootstrap, serve

    missing = [name for name in ("fastapi", "uvicorn") if importlib.util.find_spec(name) is None]
    if missing:
        raise InputError(
            f"the service needs the server extra ({', '.join(missing)} missing)",
            hint="pip install 'edubadge[server]'",
        )
    if args.config:
        config = Path(args.config)
    else:
        config, api_key = bootstrap(Path(args.data))
        if api_key:
            print(f"Created a development issuer in {args.data}/ (profile 'dev').")
            print(f"Its API key, shown only this once: {api_key}")
            print("Send it as 'Authorization: Bearer <key>' to issue and change status.")
    serve(
        config,
        host=args.host,
        port=args.port,
        db=args.db,
        workers=args.workers,
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
    )
    return EXIT_OK


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the subcommand."""
    parser = commands.add_parser(
        "serve", help="run the issuer service (W3C VC-API) and the verifier page"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on")
    parser.add_argument(
        "--db", help="status store URL (sqlite:///path.db or postgresql://...); overrides config"
    )
    parser.add_argument(
        "--config", metavar="FILE", help="configuration (JSON or TOML); default: a dev setup"
    )
    parser.add_argument(
        "--data",
        default="edubadge-data",
        metavar="DIR",
        help="where the dev setup lives when no --config is given (made on first run)",
    )
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument("--tls-cert", metavar="FILE", help="serve HTTPS with this certificate")
    parser.add_argument("--tls-key", metavar="FILE", help="the certificate's private key")
    parser.add_argument(
        "--new-secret",
        action="store_true",
        help="print a new API key or client secret and the hash to configure, then exit",
    )
    parser.set_defaults(run=run)
