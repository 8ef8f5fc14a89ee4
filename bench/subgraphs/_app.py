"""One bench subgraph as a plain Starlette app: graphql-core execution, answers memoised by body.

Why not Strawberry on FastAPI like ``subgraphs/``: the subgraphs must not be the bottleneck of a
gateway benchmark. The data is static, so a request body always gets the same answer: the first
request with a given body is executed by graphql-core, every later one is a dict lookup and a
write of cached bytes. What is measured is then the gateway, not the subgraph.
"""

from __future__ import annotations

from typing import Any

import orjson
from graphql import GraphQLSchema, build_schema, execute, parse, validate
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ._data import ENTITIES, ROOTS
from ._sdl import SDLS

__all__ = ["create_app", "executable_schema"]

_JSON = "application/json"
#: Bound on memoised answers: far more than the distinct bodies a benchmark sends.
_CACHE_SIZE = 4096


def executable_schema(name: str) -> GraphQLSchema:
    """The subgraph's schema plus the federation subgraph fields (``_entities``, ``_service``)."""
    sdl = SDLS[name]
    entities = sorted(ENTITIES[name])
    query_kw = "extend type Query" if "type Query" in sdl else "type Query"
    extra = f"""
scalar _Any
type _Service {{ sdl: String }}
union _Entity = {" | ".join(entities)}
{query_kw} {{
  _entities(representations: [_Any!]!): [_Entity]!
  _service: _Service!
}}
"""
    # assume_valid_sdl: the federation directives are used but not defined in the subgraph SDL.
    schema = build_schema(sdl + extra, assume_valid_sdl=True)
    entity_union = schema.type_map["_Entity"]
    entity_union.resolve_type = lambda obj, _info, _type: obj["__typename"]  # type: ignore[attr-defined]
    return schema


def _root(name: str) -> dict[str, Any]:
    resolvers = ENTITIES[name]

    def entities(_info: Any, representations: list[dict[str, Any]]) -> list[dict[str, Any] | None]:
        return [
            resolver(rep) if (resolver := resolvers.get(rep.get("__typename", ""))) else None
            for rep in representations
        ]

    return {**ROOTS[name], "_entities": entities, "_service": {"sdl": SDLS[name]}}


def create_app(name: str) -> Starlette:
    schema = executable_schema(name)
    root = _root(name)
    cache: dict[bytes, bytes] = {}
    stats = {"hits": 0, "misses": 0}

    def run(body: bytes) -> bytes:
        try:
            params = orjson.loads(body)
            document = parse(params["query"])
        except Exception as exc:
            return orjson.dumps({"errors": [{"message": f"bad request: {exc}"}]})
        errors = validate(schema, document)
        if errors:
            return orjson.dumps({"errors": [e.formatted for e in errors]})
        result = execute(
            schema,
            document,
            root_value=root,
            variable_values=params.get("variables"),
            operation_name=params.get("operationName"),
        )
        response: dict[str, Any] = {"data": result.data}
        if result.errors:
            response["errors"] = [e.formatted for e in result.errors]
        return orjson.dumps(response)

    async def graphql(request: Request) -> Response:
        body = await request.body()
        answer = cache.get(body)
        if answer is None:
            stats["misses"] += 1
            answer = run(body)
            if len(cache) >= _CACHE_SIZE:
                cache.clear()
            cache[body] = answer
        else:
            stats["hits"] += 1
        return Response(answer, media_type=_JSON)

    async def stats_route(_request: Request) -> Response:
        """Memo hits and misses: a benchmark checks that its subgraphs answered from memory."""
        return Response(orjson.dumps(stats), media_type=_JSON)

    return Starlette(
        routes=[Route("/graphql", graphql, methods=["POST"]), Route("/stats", stats_route, methods=["GET"])]
    )
