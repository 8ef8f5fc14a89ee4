"""The router with its per-request paths as they were before the single-query profile (a baseline).

Two things the router as shipped no longer does on every request, put back here so the gain is
measured in the same rounds as the router (``bench/run --experiment client-path``):

- subgraph fetches go through ``httpx.AsyncClient.send`` (URL merging, auth and redirect handling,
  the cookie jar, a second ``Request`` build) instead of straight to the pooled transport;
- the ``X-Supergraph-Claims`` header is signed by python-jose on every request instead of once per
  second per caller.

Nothing in ``router/`` changes: the two are patched in this process only.

    python -m bench.experiments.client_path SUPERGRAPH_PATH PORT
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import uvicorn

__all__ = ["main"]


def _patch() -> None:
    from jose import jwt

    from router.executor import Gateway
    from router.server import _auth

    direct_init = Gateway.__init__

    def init_without_transport(self: Gateway, *args: Any, **kwargs: Any) -> None:
        kwargs["transport"] = None
        direct_init(self, *args, **kwargs)

    def sign_every_time(self: _auth.RouterAuth, claims: Any, *, client_ip: str | None = None) -> str:
        now = int(self._clock())
        payload: dict[str, Any] = {
            "iss": _auth._INTERNAL_ISSUER,
            "aud": _auth._INTERNAL_AUDIENCE,
            "iat": now,
            "exp": now + self._internal_ttl,
        }
        if claims is not None:
            payload["sub"] = claims.subject
            payload["role"] = claims.extra.get("role", "customer")
            payload["scope"] = " ".join(sorted(claims.scopes))
        if client_ip:
            payload["cip"] = client_ip
        return str(jwt.encode(payload, self._internal_secret, algorithm="HS256"))

    Gateway.__init__ = init_without_transport  # type: ignore[method-assign]
    _auth.RouterAuth.sign_internal_claims = sign_every_time  # type: ignore[method-assign]


def main() -> None:
    _patch()
    from router.server import create_app

    supergraph, port = sys.argv[1], int(sys.argv[2])
    app = create_app(supergraph_path=Path(supergraph))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
