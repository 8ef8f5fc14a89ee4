"""``python -m bench.subgraphs NAME --port PORT``: serve one bench subgraph on 127.0.0.1."""

from __future__ import annotations

import argparse

import uvicorn

from . import NAMES, create_app


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.subgraphs", description=__doc__)
    parser.add_argument("name", choices=NAMES)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(
        create_app(args.name),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        access_log=False,
        lifespan="off",
    )


if __name__ == "__main__":
    main()
