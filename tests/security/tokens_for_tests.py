"""Secrets and a valid access token for router tests that run with auth wired in.

``TEST_SECRETS`` are RouterSettings values good enough for production mode (which refuses the
development defaults); ``BEARER`` is an ``Authorization`` value the router verifies under them
(subject ``user-1``, valid for a day from the test session's start).
"""

from __future__ import annotations

import time
from typing import Any

from jose import jwt

__all__ = ["BEARER", "TEST_SECRETS"]

TEST_SECRETS: dict[str, Any] = {
    "jwt_secret": "router-test-jwt-secret-0123456789abcdef",
    "internal_claims_secret": "router-test-internal-claims-secret-0123456789",
}

_NOW = int(time.time())
BEARER = "Bearer " + str(
    jwt.encode(
        {
            "sub": "user-1",
            "typ": "access",
            "role": "customer",
            "scope": "",
            "iss": "supergraph-users",
            "aud": "supergraph",
            "iat": _NOW,
            "nbf": _NOW,
            "exp": _NOW + 86_400,
        },
        TEST_SECRETS["jwt_secret"],
        algorithm="HS256",
    )
)
