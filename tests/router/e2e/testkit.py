"""In-process federation for end-to-end tests: subgraph ASGI apps behind one ``httpx.AsyncClient``.

``SubgraphTransport`` routes each request by host (``http://products/graphql`` -> the ``products``
app), records every request body per subgraph, and can take a subgraph down. ``Federation`` builds a
router ``Gateway`` over a committed supergraph fixture and those apps; ``Federation.run`` returns the
client's response and how many requests each subgraph received for it (subgraphs not called are
absent), so a test reads as: operation -> full response + request counts.
"""

from __future__ import annotations

import functools
import json
import re
from collections import defaultdict
from typing import TYPE_CHECKING, Any

import httpx
from graphql import FieldNode, Visitor, parse, visit
from strawberry.asgi import GraphQL

from .compose_fixtures import fixture_path, subgraph_schemas, subgraph_url

if TYPE_CHECKING:
    from collections.abc import Mapping

    import strawberry


class SubgraphTransport(httpx.AsyncBaseTransport):
    """Routes requests to subgraph ASGI apps by host and records them per subgraph."""

    def __init__(self, schemas: Mapping[str, strawberry.federation.Schema]) -> None:
        self._apps = {name: httpx.ASGITransport(app=GraphQL(schema)) for name, schema in schemas.items()}
        self.requests: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
        self.down: set[str] = set()
        self.failing: dict[str, int] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        body = await request.aread()
        self.requests[host].append(json.loads(body) if body else {"query": request.url.params.get("query")})
        if host in self.down or host not in self._apps:
            raise httpx.ConnectError(f"[Errno 111] Connection refused: {host}", request=request)
        if host in self.failing:
            return httpx.Response(self.failing[host], text="upstream broke", request=request)
        return await self._apps[host].handle_async_request(request)

    def counts(self) -> dict[str, int]:
        return {name: len(bodies) for name, bodies in sorted(self.requests.items()) if bodies}


@functools.cache
def supergraph_sdl(feature: str) -> str:
    return fixture_path(feature).read_text()


@functools.cache
def load_fixture_supergraph(feature: str) -> Any:
    from router.supergraph import load_supergraph

    return load_supergraph(supergraph_sdl(feature))


class Federation:
    """A router over one subgraph set, talking to the in-process subgraphs."""

    def __init__(self, feature: str, gateway_options: Mapping[str, Any] | None = None) -> None:
        from router.executor import Gateway

        schemas = subgraph_schemas(feature)
        self.transport = SubgraphTransport(schemas)
        self.http = httpx.AsyncClient(transport=self.transport)
        self.gateway = Gateway(
            load_fixture_supergraph(feature),
            http=self.http,
            subgraph_urls={name: subgraph_url(name) for name in schemas},
            **(gateway_options or {}),
        )

    async def run(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        operation_name: str | None = None,
        *,
        override_labels: frozenset[str] | None = None,
    ) -> tuple[dict[str, Any], dict[str, int]]:
        """Execute one operation; return (response, requests per subgraph for this operation).

        ``override_labels`` are the progressive ``@override`` labels enabled for this request.
        """
        self.transport.requests.clear()
        options = {} if override_labels is None else {"override_labels": override_labels}
        response = await self.gateway.execute(query, variables, operation_name, **options)
        return response, self.transport.counts()

    def representations(self, subgraph: str) -> list[AnyOrder]:
        """The ``representations`` of each ``_entities`` request the subgraph got in the last run.

        Their order carries no meaning, so each request's list compares equal to a list of the same
        representations in any order (duplicates still count).
        """
        return [
            AnyOrder(body["variables"]["representations"])
            for body in self.transport.requests[subgraph]
            if "representations" in (body.get("variables") or {})
        ]

    def queried_fields(self, subgraph: str) -> set[str]:
        """Names of all fields the subgraph was asked for in the last run (across its requests)."""
        names: set[str] = set()
        for body in self.transport.requests[subgraph]:
            visit(parse(body["query"]), _FieldNames(names))
        return names

    def take_down(self, subgraph: str) -> None:
        """Refuse connections to the subgraph from now on."""
        self.transport.down.add(subgraph)

    def fail_with_status(self, subgraph: str, status_code: int) -> None:
        """Answer every request to the subgraph with this HTTP status and a non-GraphQL body."""
        self.transport.failing[subgraph] = status_code

    async def aclose(self) -> None:
        await self.http.aclose()


class _FieldNames(Visitor):
    def __init__(self, names: set[str]) -> None:
        super().__init__()
        self.names = names

    def enter_field(self, node: FieldNode, *_: object) -> None:
        self.names.add(node.name.value)


class AnyOrder(list[Any]):
    """A list equal to any list holding the same items (with the same multiplicity) in any order."""

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, list):
            return NotImplemented
        return sorted(map(_canonical, self)) == sorted(map(_canonical, other))

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = None  # type: ignore[assignment]


def _canonical(item: Any) -> str:
    return json.dumps(item, sort_keys=True)


class Matches:
    """Equal to any string matching ``pattern`` (for router-chosen error messages)."""

    def __init__(self, pattern: str) -> None:
        self._pattern = re.compile(pattern, re.DOTALL)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and self._pattern.search(other) is not None

    def __hash__(self) -> int:
        return hash(self._pattern.pattern)

    def __repr__(self) -> str:
        return f"Matches({self._pattern.pattern!r})"
