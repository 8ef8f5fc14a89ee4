"""The ``supergraph`` command line: run subgraphs and the router, seed, print SDL, compose, plan.

Each command imports what it needs when it runs, so ``supergraph --help`` stays fast and a command
never pays for another's imports.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import sys
from pathlib import Path
from typing import Any

__all__ = ["main"]

DEFAULT_CONFIG = Path("supergraph.yaml")
DEFAULT_SUPERGRAPH = Path("schema/supergraph.graphql")
#: ``supergraph worker``'s health and metrics port (the router has 4000, the subgraphs 4001-4006).
DEFAULT_WORKER_PORT = 4010


#: Commands whose arguments belong to another package's parser (passed through untouched, --help too).
_DELEGATED = {"compose": "schema:main_compose", "check": "schema:main_check"}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in _DELEGATED:
        return int(_delegate(_DELEGATED[argv[0]])(argparse.Namespace(rest=argv[1:])))
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except CliError as exc:
        print(f"supergraph: {exc}", file=sys.stderr)
        return 1


class CliError(Exception):
    """A mistake in how the command was called or configured; printed without a traceback."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="supergraph", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    p = commands.add_parser("dev", help="run every subgraph and the router on embedded defaults")
    p.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    p.add_argument("--no-router", action="store_true", help="run the subgraphs only")
    p.add_argument("--port", type=int, default=4000, help="the router's port (default 4000)")
    p.add_argument(
        "--processes",
        action="store_true",
        help="each service as its own process, on the local PostgreSQL, RabbitMQ and Redis",
    )
    p.add_argument("--log-level", default="info")
    p.set_defaults(handler=_dev)

    p = commands.add_parser("subgraph", help="run one subgraph")
    p.add_argument("name")
    p.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    p.add_argument("--host", default=None)
    p.add_argument("--port", type=int, default=None)
    p.add_argument("--log-level", default="info")
    _graceful_timeout_option(p)
    p.set_defaults(handler=_subgraph)

    p = commands.add_parser("seed", help="create tables and load the seed data (all subgraphs by default)")
    p.add_argument("names", nargs="*")
    p.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    p.add_argument("--reset", action="store_true", help="drop every table first")
    p.set_defaults(handler=_seed)

    p = commands.add_parser(
        "relay", help="publish a subgraph's outbox to RabbitMQ on its own (needs EVENT_BUS_URL=amqp://...)"
    )
    p.add_argument("name")
    p.set_defaults(handler=_relay)

    p = commands.add_parser(
        "worker",
        help="run subgraphs' outbox relays and event consumers without their APIs "
        "(for API processes started with BACKGROUND_TASKS=false)",
    )
    p.add_argument("names", nargs="*", help="subgraphs (default: every subgraph in the config)")
    p.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument(
        "--port",
        type=int,
        default=DEFAULT_WORKER_PORT,
        help=f"where /health/live, /health/ready and /metrics answer (default {DEFAULT_WORKER_PORT})",
    )
    p.add_argument("--log-level", default="info")
    _graceful_timeout_option(p)
    p.set_defaults(handler=_worker)

    p = commands.add_parser("sdl", help="print a subgraph's federation SDL (its `_service { sdl }`)")
    p.add_argument("name")
    p.set_defaults(handler=_sdl)

    # Listed for --help only: main() hands their arguments to the composer's own parser.
    commands.add_parser("compose", help="compose supergraph.yaml into schema/supergraph.graphql")
    commands.add_parser(
        "check", help="fail when composition breaks, the supergraph is stale, or clients would break"
    )

    p = commands.add_parser("plan", help="print the query plan of an operation")
    p.add_argument("query", help="the operation text, or @file to read it from a file")
    p.add_argument("--supergraph", type=Path, default=DEFAULT_SUPERGRAPH)
    p.add_argument("--operation-name", default=None)
    p.add_argument("--json", action="store_true", help="print the plan as JSON")
    p.set_defaults(handler=_plan)

    p = commands.add_parser("router", help="run the router")
    p.add_argument("--supergraph", type=Path, default=DEFAULT_SUPERGRAPH)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=4000)
    p.add_argument("--log-level", default="info")
    _graceful_timeout_option(p)
    p.set_defaults(handler=_router)
    return parser


def _graceful_timeout_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--graceful-timeout",
        type=int,
        default=None,
        metavar="SECONDS",
        help="on SIGTERM, how long requests in flight may finish before they are cancelled "
        "(default 15; keep it under the orchestrator's grace period)",
    )


def _delegate(target: str) -> Any:
    def run(args: argparse.Namespace) -> int:
        module_name, _, attr = target.partition(":")
        func = getattr(importlib.import_module(module_name), attr, None)
        if func is None:
            raise CliError(f"{target} is not available in this version")
        return int(func(args.rest) or 0)

    return run


def _services(config: Path) -> list[Any]:
    from ._services import ConfigError, load_services

    try:
        return load_services(config)
    except ConfigError as exc:
        raise CliError(str(exc)) from exc


def _subgraph(args: argparse.Namespace) -> int:
    from ._dev import Service

    spec = next((s for s in _services(args.config) if s.name == args.name), None)
    if spec is None:
        raise CliError(f"no subgraph named {args.name!r} in {args.config}")
    # The whole process is this subgraph: every logger's lines (uvicorn's too) in its LOG_FORMAT.
    common = _subgraphs_common()
    common.configure_logging(args.log_level, log_format=common.SubgraphSettings().log_format, logger_name="")
    app = spec.load_factory()()
    return _serve_alone(
        Service(name=spec.name, host=args.host or spec.host, port=args.port or spec.port, app=app), args
    )


def _serve_alone(service: Any, args: argparse.Namespace) -> int:
    """Serve one service as the whole process: its loggers own the root logger, and SIGTERM drains
    requests in flight for ``--graceful-timeout`` seconds."""
    from ._dev import run, serve_all

    return run(
        serve_all(
            [service],
            log_level=args.log_level,
            uvicorn_handlers=False,
            graceful_timeout=args.graceful_timeout,
        )
    )


def _dev(args: argparse.Namespace) -> int:
    from ._dev import Service, run, serve_all

    specs = _services(args.config)
    if args.processes:
        from ._processes import run_processes

        router_port = None if args.no_router else args.port
        return run_processes(specs, config=args.config, router_port=router_port, log_level=args.log_level)
    # The config says where each subgraph listens: internal REST calls go there too, unless the
    # environment already says otherwise (e.g. USERS_URL).
    for spec in specs:
        os.environ.setdefault(f"{spec.name.upper()}_URL", f"http://{spec.host}:{spec.port}")
    # Beside the router's ``router`` logger; uvicorn keeps its own console lines.
    common = _subgraphs_common()
    common.configure_logging(args.log_level, log_format=common.SubgraphSettings().log_format)
    services = [Service(name=s.name, host=s.host, port=s.port, app=s.load_factory()()) for s in specs]
    if not args.no_router:
        services.append(
            _router_service(
                DEFAULT_SUPERGRAPH,
                host="127.0.0.1",
                port=args.port,
                log_level=args.log_level,
                subgraph_urls={s.name: s.routing_url for s in specs},
                storefront_root=args.config.resolve().parent,
            )
        )
    names = ", ".join(f"{s.name} :{s.port}" for s in services)
    print(f"supergraph dev: starting {names} (Ctrl-C stops everything)", file=sys.stderr)
    return run(serve_all(services, log_level=args.log_level))


def _router_service(
    supergraph: Path,
    *,
    host: str,
    port: int,
    log_level: str = "info",
    subgraph_urls: dict[str, str] | None = None,
    storefront_root: Path | None = None,
) -> Any:
    from ._dev import Service

    try:
        server = importlib.import_module("router.server")
    except ImportError as exc:
        raise CliError(f"the router server is not available: {exc}") from exc
    settings = server.RouterSettings()
    # ROUTER_SUPERGRAPH_URL (a registry) replaces the file.
    if settings.supergraph_url is None and not supergraph.exists():
        raise CliError(f"{supergraph} not found: run `supergraph compose` first")
    server.configure_logging(log_level, log_format=settings.log_format)
    storefront_dir = server.ensure_storefront_built(storefront_root) if storefront_root is not None else None
    try:
        app = server.create_app(
            supergraph_path=None if settings.supergraph_url else supergraph,
            settings=settings,
            subgraph_urls=subgraph_urls,
            storefront_dir=storefront_dir,
        )
    except server.StartupError as exc:
        raise CliError(str(exc)) from exc
    return Service(name="router", host=host, port=port, app=app)


def _router(args: argparse.Namespace) -> int:
    service = _router_service(args.supergraph, host=args.host, port=args.port, log_level=args.log_level)
    # The whole process is the router: uvicorn's lines go to the root logger in the same format.
    server = importlib.import_module("router.server")
    server.configure_logging(args.log_level, log_format=server.RouterSettings().log_format, logger_name="")
    return _serve_alone(service, args)


def _seed(args: argparse.Namespace) -> int:
    names = args.names or [s.name for s in _services(args.config)]
    asyncio.run(_seed_all(names, reset=args.reset))
    return 0


async def _seed_all(names: list[str], *, reset: bool) -> None:
    common = _subgraphs_common()
    settings = common.SubgraphSettings()
    for name in names:
        spec = _import_subgraph(name, "app").SPEC
        url = await common.seed_database(spec, settings, reset=reset)
        print(f"seeded {name} ({url})", file=sys.stderr)


def _subgraphs_common() -> Any:
    """The subgraphs' shared package, imported by name like their app factories (the router package
    holds no static import of domain code)."""
    return importlib.import_module("subgraphs.common")


def _import_subgraph(name: str, module: str) -> Any:
    """Import ``subgraphs.<name>.<module>``; a missing package is a usage error, any other import
    failure is a real bug and propagates."""
    qualified = f"subgraphs.{name}.{module}"
    try:
        return importlib.import_module(qualified)
    except ModuleNotFoundError as exc:
        if exc.name and qualified.startswith(exc.name):
            raise CliError(f"no subgraph named {name!r} (no module {exc.name})") from exc
        raise


def _stop_on_signals() -> asyncio.Event:
    """An event SIGINT or SIGTERM sets (call inside the running loop): a long-running command
    without a server waits on it, then shuts down as a server would."""
    import signal

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


def _relay(args: argparse.Namespace) -> int:
    common = _subgraphs_common()
    run_relay = common.run_relay
    common.configure_logging("info", log_format=common.SubgraphSettings().log_format, logger_name="")

    async def relay() -> int:
        stop = _stop_on_signals()
        try:
            await run_relay(args.name, stop=stop)
        except RuntimeError as exc:
            raise CliError(str(exc)) from exc
        return 0

    return asyncio.run(relay())


def _worker(args: argparse.Namespace) -> int:
    """Each named subgraph's app with its HTTP side unused: its lifespan runs the relay and the
    consumers (``SubgraphSpec.background``) until SIGTERM, then stops them in reverse order, each
    consumer after acking what it holds (the same shutdown path as the API process). The worker's
    own small app (``subgraphs.common.worker``) serves health and the apps' metrics on ``--port``."""
    from ._dev import Service

    specs = _services(args.config)
    unknown = sorted(set(args.names) - {spec.name for spec in specs})
    if unknown:
        raise CliError(f"no subgraph named {', '.join(unknown)} in {args.config}")
    chosen = [spec for spec in specs if not args.names or spec.name in args.names]
    common = _subgraphs_common()
    # The worker is where the background tasks run, whatever the API replicas were told.
    settings = common.SubgraphSettings().model_copy(update={"background_tasks": True})
    common.configure_logging(args.log_level, log_format=settings.log_format, logger_name="")
    apps = [spec.load_factory()(settings=settings, seed_on_start=False) for spec in chosen]
    worker = common.create_worker_app(apps)
    return _serve_alone(Service(name="worker", host=args.host, port=args.port, app=worker), args)


def _sdl(args: argparse.Namespace) -> int:
    schema = _import_subgraph(args.name, "schema").schema
    result = schema.execute_sync("{ _service { sdl } }")
    if result.errors:
        raise CliError(f"{args.name}: {result.errors[0].message}")
    print(result.data["_service"]["sdl"])
    return 0


def _plan(args: argparse.Namespace) -> int:
    import json

    from graphql import GraphQLError, parse, validate

    from router.executor import with_defer
    from router.planner import plan, print_plan
    from router.supergraph import load_supergraph

    text = Path(args.query[1:]).read_text() if args.query.startswith("@") else args.query
    if not args.supergraph.exists():
        raise CliError(f"{args.supergraph} not found: run `supergraph compose` or pass --supergraph")
    supergraph = load_supergraph(args.supergraph.read_text())
    try:
        document = parse(text)
    except GraphQLError as exc:
        raise CliError(f"syntax error: {exc.message}") from exc
    errors = validate(with_defer(supergraph.api_schema), document)  # what the router validates against
    if errors:
        raise CliError("invalid operation:\n" + "\n".join(f"  {e.message}" for e in errors))
    query_plan = plan(supergraph, document, args.operation_name)
    print(json.dumps(query_plan.to_json(), indent=2) if args.json else print_plan(query_plan))
    return 0
