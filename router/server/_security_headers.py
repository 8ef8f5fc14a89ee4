"""Security headers on every router response (OWASP Secure Headers Project recommendations).

A pure ASGI middleware: it rewrites only the ``http.response.start`` message, never buffers a body.
The header lists are built once in ``__init__``; per response it is one content-type check.

- JSON answers (``/graphql``, health, metrics) get the strictest policy: ``default-src 'none'`` and
  ``frame-ancestors 'none'`` (a JSON document has nothing to load and nothing to be framed by).
- HTML (GraphiQL) is served from local files and has one inline bootstrap script, so it gets
  ``'self'`` plus ``'unsafe-inline'`` for scripts and styles, still no framing and no foreign origins.
- ``Strict-Transport-Security`` only when asked (production behind TLS): on plain-HTTP development
  it would be ignored at best and pin a wrong host at worst.
- ``Cache-Control: no-store`` unless the handler set one: GraphQL answers are per user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["SecurityHeadersMiddleware"]

_COMMON: Final = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
)
_CSP_API: Final = b"default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
_CSP_HTML: Final = (
    b"default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    b"img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


class SecurityHeadersMiddleware:
    """Adds the security headers above to HTTP responses (headers a handler set are kept)."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False, hsts_max_age: int = 31_536_000) -> None:
        self._app = app
        extra = (
            [(b"strict-transport-security", f"max-age={hsts_max_age}; includeSubDomains".encode())]
            if hsts
            else []
        )
        self._headers = [*_COMMON, *extra]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[tuple[bytes, bytes]] = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                html = any(
                    name.lower() == b"content-type" and value.startswith(b"text/html")
                    for name, value in headers
                )
                for name, value in self._headers:
                    if name not in present:
                        headers.append((name, value))
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", _CSP_HTML if html else _CSP_API))
                if b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self._app(scope, receive, send_with_headers)
