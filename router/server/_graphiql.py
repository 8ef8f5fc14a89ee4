"""GraphiQL served from local files: no CDN at run time.

The assets (GraphiQL, React, the explorer plugin) come from the ``graphene-django-graphiql-static``
wheel on PyPI, a data-only package installed with the router (see README: why this package). Its
files are read once and served from memory with a long cache lifetime.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

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


# The page: GraphiQL with the explorer plugin and a "Query plan" plugin that shows the plan the router
# used for the last operation (the router adds it to `extensions.queryPlan` when asked by header).
_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>Supergraph - GraphiQL</title>
  <style>
    html, body, #graphiql { height: 100%; margin: 0; overflow: hidden; width: 100%; }
    .plan-panel { font-family: ui-monospace, monospace; font-size: 12px; white-space: pre; overflow: auto;
                  height: 100%; padding: 0 8px; }
  </style>
  <link rel="stylesheet" href="/graphiql/static/graphiql.min.css" />
  <link rel="stylesheet" href="/graphiql/static/style.css" />
  <script src="/graphiql/static/react.production.min.js"></script>
  <script src="/graphiql/static/react-dom.production.min.js"></script>
  <script src="/graphiql/static/graphiql.min.js"></script>
  <script src="/graphiql/static/graphiql-plugin-explorer.umd.js"></script>
</head>
<body>
  <div id="graphiql">Loading GraphiQL...</div>
  <script>
    const endpoint = "__ENDPOINT__";
    let lastPlan = "Run an operation to see the plan the router used for it.";
    const planListeners = new Set();
    async function fetcher(params, options) {
      const headers = Object.assign(
        { "Content-Type": "application/json", "Accept": "application/graphql-response+json, application/json",
          "X-Include-Query-Plan": "true" },
        (options && options.headers) || {});
      const response = await fetch(endpoint, { method: "POST", headers, body: JSON.stringify(params) });
      const body = await response.json();
      if (body && body.extensions && body.extensions.queryPlan !== undefined) {
        lastPlan = body.extensions.queryPlan || "(no subgraph was called)";
        delete body.extensions.queryPlan;
        if (Object.keys(body.extensions).length === 0) delete body.extensions;
        planListeners.forEach((listener) => listener(lastPlan));
      }
      return body;
    }
    function PlanPanel() {
      const [plan, setPlan] = React.useState(lastPlan);
      React.useEffect(() => { planListeners.add(setPlan); return () => planListeners.delete(setPlan); }, []);
      return React.createElement("div", { className: "plan-panel", "data-testid": "query-plan" }, plan);
    }
    const planPlugin = {
      title: "Query plan",
      icon: () => React.createElement("span", { style: { fontWeight: "bold" } }, "QP"),
      content: PlanPanel,
    };
    function App() {
      const explorer = GraphiQLPluginExplorer.useExplorerPlugin({});
      const params = new URLSearchParams(window.location.search);
      return React.createElement(GraphiQL, {
        fetcher,
        query: params.get("query") || undefined,
        plugins: [explorer, planPlugin],
        defaultEditorToolsVisibility: true,
        shouldPersistHeaders: false,
      });
    }
    ReactDOM.render(React.createElement(App), document.getElementById("graphiql"));
  </script>
</body>
</html>
"""
