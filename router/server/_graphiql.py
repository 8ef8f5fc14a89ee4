"""GraphiQL served from local files: no CDN at run time.

The assets (GraphiQL, React, the explorer plugin) come from the ``graphene-django-graphiql-static``
wheel on PyPI, a data-only package installed with the router (see README: why this package). Its
files are read once and served from memory with a long cache lifetime. The page itself, with its
fetcher (JSON, or ``multipart/mixed`` parts read as they stream for ``@defer``) and the query-plan
panel, is ``_graphiql.html`` next to this module.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

__all__ = ["ASSETS", "asset_response", "graphiql_page"]

_PACKAGE = "graphene_django_graphiql_static"
ASSETS = {
    "graphiql.min.css": "text/css",
    "graphiql.min.js": "application/javascript",
    "react.production.min.js": "application/javascript",
    "react-dom.production.min.js": "application/javascript",
    "graphiql-plugin-explorer.umd.js": "application/javascript",
    "style.css": "text/css",
}


# The page (``_graphiql.html``): GraphiQL with the explorer plugin and a "Query plan" plugin that shows
# the plan the router used for the last operation (the router adds it to ``extensions.queryPlan`` when
# asked by header). Its fetcher reads ``@defer`` responses as they stream (multipart/mixed) and shows
# the merged result after each part.
_PAGE = (Path(__file__).parent / "_graphiql.html").read_text(encoding="utf-8")


@lru_cache(maxsize=len(ASSETS))
def _asset(name: str) -> bytes:
    return resources.files(_PACKAGE).joinpath("static", _PACKAGE, name).read_bytes()


def asset_response(request: Request) -> Response:
    name = request.path_params["name"]
    media_type = ASSETS.get(name)
    if media_type is None:
        return PlainTextResponse("not found", status_code=404)
    try:
        body = _asset(name)
    except (FileNotFoundError, ModuleNotFoundError):
        return PlainTextResponse(
            "GraphiQL assets are not installed: pip install graphene-django-graphiql-static", status_code=404
        )
    return Response(body, media_type=media_type, headers={"Cache-Control": "public, max-age=86400"})


def graphiql_page(endpoint: str = "/graphql") -> HTMLResponse:
    return HTMLResponse(_PAGE.replace("__ENDPOINT__", endpoint))
