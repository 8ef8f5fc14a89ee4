"""The storefront single-page app at ``/shop``: its built files, and building them when missing.

The app (``storefront/``, Vite + React) is built once with npm into ``storefront/dist``; the router
only serves those files. Routes under ``/shop`` that are not files are the app's own client-side
routes (``/shop/products/product-1``, ``/shop/orders``), so they get ``index.html`` and the app
picks the page. Vite names bundled assets by content hash (``assets/index-B9RdiWUr.js``): those are
cached for a year, everything else is revalidated so a rebuild shows at once.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.routing import BaseRoute

__all__ = ["MOUNT_PATH", "ensure_storefront_built", "storefront_routes"]

log = logging.getLogger("router.storefront")

MOUNT_PATH = "/shop"

_IMMUTABLE = "public, max-age=31536000, immutable"
_REVALIDATE = "no-cache"
# Vite's default asset names: `[name]-[hash].[ext]` with an 8-character base64url hash.
_HASHED = re.compile(r"^assets/.+-[A-Za-z0-9_-]{8}\.[a-z0-9]+$")
# Not left to `mimetypes`: its answers depend on the host's /etc/mime.types (e.g. .js as
# application/x-javascript, .woff2 unknown), and browsers refuse modules served with the wrong type.
_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
    ".webmanifest": "application/manifest+json",
}
_NPM_TIMEOUT_SECONDS = 600


def storefront_routes(dist_dir: Path) -> list[BaseRoute]:
    """Routes serving the built storefront in ``dist_dir`` at ``/shop``.

    ``/shop`` redirects to ``/shop/`` (the app's asset URLs are relative to that base); a request for
    a file in ``dist_dir`` gets the file; a missing path with a file extension (a stale or mistyped
    asset) is a 404, so a browser never runs ``index.html`` as a script; any other path is a
    client-side route and gets ``index.html`` (SPA fallback).
    """
    root = dist_dir.resolve()
    index = root / "index.html"
    if not index.is_file():
        raise FileNotFoundError(f"{index} does not exist: build the storefront (npm ci && npm run build)")

    def file_response(path: Path, relative: str) -> Response:
        cache = _IMMUTABLE if _HASHED.match(relative) else _REVALIDATE
        media_type = _CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
        return FileResponse(path, media_type=media_type, headers={"Cache-Control": cache})

    async def redirect(_request: Request) -> Response:
        return RedirectResponse(f"{MOUNT_PATH}/", status_code=308)

    async def serve(request: Request) -> Response:
        relative: str = request.path_params["path"]
        if relative:
            candidate = (root / relative).resolve()
            # `resolve` folds `..` and symlinks: anything outside dist is not served.
            if candidate.is_relative_to(root) and candidate.is_file():
                return file_response(candidate, relative)
            if "." in relative.rsplit("/", 1)[-1]:
                return PlainTextResponse("Not Found", status_code=404, headers={"Cache-Control": _REVALIDATE})
        return file_response(index, "index.html")

    return [
        Route(MOUNT_PATH, redirect, methods=["GET", "HEAD"]),
        Route(f"{MOUNT_PATH}/{{path:path}}", serve, methods=["GET", "HEAD"]),
    ]


def ensure_storefront_built(root: Path) -> Path | None:
    """The storefront's ``dist`` directory under the project ``root``, built first when missing.

    Builds with ``npm ci`` (only when ``node_modules`` does not match ``package-lock.json``) and
    ``npm run build`` in ``root/storefront``; npm needs the npm registry once, nothing else. Returns
    None, with the reason logged, when there is no storefront, no npm, or the build fails: the
    router then runs without ``/shop``. This blocks; call it at start-up, before serving.
    """
    app_dir = root / "storefront"
    dist = app_dir / "dist"
    if (dist / "index.html").is_file():
        return dist
    if not (app_dir / "package.json").is_file():
        log.warning("no storefront at %s: /shop is not served", app_dir)
        return None
    npm = shutil.which("npm")
    if npm is None:
        log.warning(
            "the storefront is not built and npm is not installed: /shop is not served "
            "(install Node.js 20+ and run `npm ci && npm run build` in %s)",
            app_dir,
        )
        return None
    steps = [[npm, "run", "build"]]
    if not _installed(app_dir):
        steps.insert(0, [npm, "ci", "--no-audit", "--no-fund"])
    for command in steps:
        log.info("building the storefront: npm %s (in %s)", " ".join(command[1:]), app_dir)
        try:
            done = subprocess.run(
                command,
                cwd=app_dir,
                capture_output=True,
                text=True,
                timeout=_NPM_TIMEOUT_SECONDS,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            log.warning("the storefront build failed (npm %s: %s): /shop is not served", command[1], exc)
            return None
        if done.returncode != 0:
            tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-20:])
            log.warning(
                "the storefront build failed (npm %s exited %d): /shop is not served\n%s",
                command[1],
                done.returncode,
                tail,
            )
            return None
    if not (dist / "index.html").is_file():
        log.warning("npm run build produced no %s: /shop is not served", dist / "index.html")
        return None
    return dist


def _installed(app_dir: Path) -> bool:
    """Whether ``node_modules`` was installed from the current ``package-lock.json`` (npm writes
    ``node_modules/.package-lock.json`` on every install)."""
    lock = app_dir / "package-lock.json"
    installed = app_dir / "node_modules" / ".package-lock.json"
    return installed.is_file() and lock.is_file() and installed.stat().st_mtime >= lock.stat().st_mtime
