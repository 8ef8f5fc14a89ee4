"""Events per second and end-to-end latency through outbox -> bus -> notifications consumer.

    .venv/bin/python bench/events/run.py                    # in-process bus and local RabbitMQ
    .venv/bin/python bench/events/run.py --bus amqp --events 5000 --producers 8

What one run measures, on this machine, with real databases (SQLite files by default,
``--producer-db postgresql://...`` for the producer side):

- producers: ``--producers`` tasks, each committing transactions that insert a domain row and record
  one event (``record_event``) - the way orders records OrderPlaced;
- relay: one :class:`OutboxRelay` (woken by the commits, batches of ``--relay-batch``);
- consumer: the notifications handler (parse, render, idempotency row + notification, commit, ack)
  with ``--prefetch`` unacknowledged messages at most.

``--producer-db`` / ``--consumer-db`` take database URLs; the bench drops and re-creates its tables
there, so point them at a scratch database, never at one holding data.

Throughput is events / (last notification commit - first event commit start). Latency is per event:
from ``occurredAt`` (set just before its transaction commits) to the commit of its notification,
so it includes the relay's wake-up, the broker round trip with publisher confirms, and the
consumer's own commit. Results go to ``bench/results/events-<date>.json`` and a table is printed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402
from sqlalchemy import Column, MetaData, String, Table, insert  # noqa: E402

from subgraphs.common import (  # noqa: E402
    Database,
    Delivery,
    InProcessBus,
    MoneyAmount,
    OrderPlaced,
    OutboxRelay,
    RabbitMQBus,
    SubgraphSettings,
    outbox_table,
    record_event,
)
from subgraphs.common.settings import normalize_database_url  # noqa: E402
from subgraphs.notifications.events import ConsumerStats, handle_delivery  # noqa: E402
from subgraphs.notifications.models import Base as NotificationsBase  # noqa: E402

DEFAULT_AMQP = os.environ.get("TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")

PRODUCER = MetaData()
ORDERS = Table("orders", PRODUCER, Column("id", String(64), primary_key=True), Column("user_id", String(64)))
outbox_table(PRODUCER)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


async def run_scenario(bus_kind: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """One measured run on ``bus_kind`` ("memory" or "amqp") with fresh databases."""
    run_id = uuid.uuid4().hex[:8]
    producer_url = (
        normalize_database_url(args.producer_db)
        if args.producer_db
        else f"sqlite+aiosqlite:///{workdir / f'orders-{run_id}.db'}"
    )
    producer_db = Database(producer_url)
    consumer_url = (
        normalize_database_url(args.consumer_db)
        if args.consumer_db
        else f"sqlite+aiosqlite:///{workdir / f'notifications-{run_id}.db'}"
    )
    consumer_db = Database(consumer_url)
    await consumer_db.drop_schema(NotificationsBase.metadata)
    await producer_db.drop_schema(PRODUCER)
    await producer_db.create_schema(PRODUCER)
    await consumer_db.create_schema(NotificationsBase.metadata)

    exchange = f"bench.events.{run_id}"
    if bus_kind == "amqp":
        relay_bus: Any = RabbitMQBus(url=args.amqp_url, exchange=exchange, connection_name="bench-relay")
        consumer_bus: Any = RabbitMQBus(
            url=args.amqp_url, exchange=exchange, connection_name="bench-consumer"
        )
    else:
        relay_bus = consumer_bus = InProcessBus(exchange=exchange)

    settings = SubgraphSettings(environment="test")
    stats = ConsumerStats()
    latencies: list[float] = []
    total = args.events + args.warmup
    finished = asyncio.Event()
    last_commit = 0.0

    async def handler(delivery: Delivery) -> None:
        nonlocal last_commit
        await handle_delivery(consumer_db, settings, delivery, stats)
        now = time.time()
        occurred = datetime.fromisoformat(orjson.loads(delivery.body)["occurredAt"]).timestamp()
        latencies.append(now - occurred)
        last_commit = time.perf_counter()
        if stats.processed + stats.duplicates >= total:
            finished.set()

    subscription = await consumer_bus.subscribe(
        "notifications", handler, routing_keys=["OrderPlaced"], prefetch=args.prefetch
    )
    await asyncio.wait_for(subscription.ready.wait(), 15)

    def make_relay() -> OutboxRelay:
        return OutboxRelay(
            database=producer_db, bus=relay_bus, name="bench", batch_size=args.relay_batch, poll_interval=0.05
        )

    relay = make_relay()
    relay_task = asyncio.create_task(relay.run())

    async def produce(worker: int, count: int) -> None:
        for n in range(count):
            order_id = f"order-{worker}-{n}-{run_id}"
            async with producer_db.session() as session:
                await session.execute(insert(ORDERS).values(id=order_id, user_id=f"user-{n % 50}"))
                payload = OrderPlaced(
                    order_id=order_id,
                    user_id=f"user-{n % 50}",
                    item_count=1 + n % 3,
                    total=MoneyAmount(amount=1250, currency="USD"),
                )
                await record_event(session, payload, source="bench")
                await session.commit()

    async def produce_many(count: int, per_transaction: int = 100) -> None:
        for start in range(0, count, per_transaction):
            async with producer_db.session() as session:
                for n in range(start, min(count, start + per_transaction)):
                    payload = OrderPlaced(
                        order_id=f"order-drain-{n}-{run_id}",
                        user_id=f"user-{n % 50}",
                        item_count=1,
                        total=MoneyAmount(amount=1250, currency="USD"),
                    )
                    await record_event(session, payload, source="bench")
                await session.commit()

    def shares(count: int) -> list[int]:
        return [
            count // args.producers + (1 if i < count % args.producers else 0) for i in range(args.producers)
        ]

    try:
        # Warm-up: connections, statement caches and queues exist before the clock starts.
        await asyncio.gather(*(produce(1000 + w, c) for w, c in enumerate(shares(args.warmup))))
        await asyncio.wait_for(_until(lambda: stats.processed >= args.warmup), 60)
        latencies.clear()
        started = time.perf_counter()
        await asyncio.gather(*(produce(w, c) for w, c in enumerate(shares(args.events))))
        produced = time.perf_counter()
        await asyncio.wait_for(finished.wait(), args.timeout)
        elapsed = last_commit - started
        saturated = list(latencies)

        # Drain: the outbox already holds the events (recorded while no relay ran), so the clock
        # measures relay + bus + consumer alone, not how fast producers can commit.
        await relay.stop()
        await relay_task
        await produce_many(args.events)
        target = stats.processed + args.events
        relay = make_relay()
        drain_started = time.perf_counter()
        relay_task = asyncio.create_task(relay.run())
        await asyncio.wait_for(_until(lambda: stats.processed >= target), args.timeout)
        drained = last_commit - drain_started

        # Latency at a steady load the pipeline keeps up with: one event every 1/rate seconds.
        latencies.clear()
        target = stats.processed + args.latency_events
        for n in range(args.latency_events):
            tick = time.perf_counter()
            await produce(2000 + n, 1)
            await asyncio.sleep(max(0.0, 1 / args.rate - (time.perf_counter() - tick)))
        await asyncio.wait_for(_until(lambda: stats.processed >= target), 60)
        steady = list(latencies)
    finally:
        await relay.stop()
        await relay_task
        await subscription.stop()
        if bus_kind == "amqp":
            await relay_bus.delete_topology(["notifications"])
            await relay_bus.close()
            await consumer_bus.close()
        await producer_db.dispose()
        await consumer_db.dispose()

    return {
        "bus": "RabbitMQ" if bus_kind == "amqp" else "in-process",
        "producer_database": producer_url.split(":", 1)[0].split("+", 1)[0],
        "consumer_database": consumer_url.split(":", 1)[0].split("+", 1)[0],
        "events": args.events,
        "seconds": round(elapsed, 3),
        "events_per_second": round(args.events / elapsed, 1),
        "drain_events_per_second": round(args.events / drained, 1),
        "producer_commits_per_second": round(args.events / (produced - started), 1),
        "latency_ms": {"rate_per_second": args.rate, "events": args.latency_events, **_summary(steady)},
        "latency_at_saturation_ms": _summary(saturated),
        "duplicates": stats.duplicates,
    }


def _summary(seconds: list[float]) -> dict[str, float]:
    millis = [value * 1000 for value in seconds]
    return {
        "p50": round(percentile(millis, 0.50), 2),
        "p90": round(percentile(millis, 0.90), 2),
        "p99": round(percentile(millis, 0.99), 2),
        "max": round(max(millis), 2),
        "mean": round(statistics.fmean(millis), 2),
    }


async def _until(condition: Any) -> None:
    while not condition():
        await asyncio.sleep(0.01)


def print_table(results: list[dict[str, Any]]) -> None:
    header = (
        "bus", "databases", "events", "drain ev/s", "live ev/s", "commits/s", "p50 ms", "p99 ms", "max ms",
        "sat. p99 ms",
    )  # fmt: skip
    rows = [
        (
            r["bus"],
            f"{r['producer_database']} -> {r['consumer_database']}",
            str(r["events"]),
            f"{r['drain_events_per_second']:.0f}",
            f"{r['events_per_second']:.0f}",
            f"{r['producer_commits_per_second']:.0f}",
            f"{r['latency_ms']['p50']:.1f}",
            f"{r['latency_ms']['p99']:.1f}",
            f"{r['latency_ms']['max']:.1f}",
            f"{r['latency_at_saturation_ms']['p99']:.0f}",
        )
        for r in results
    ]
    widths = [max(len(header[i]), *(len(row[i]) for row in rows)) for i in range(len(header))]
    line = "  ".join(f"{{:{'<' if i < 2 else '>'}{w}}}" for i, w in enumerate(widths))
    print(line.format(*header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line.format(*row))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bus", choices=["memory", "amqp", "both"], default="both")
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--producers", type=int, default=4, help="concurrent producing tasks")
    parser.add_argument("--prefetch", type=int, default=64)
    parser.add_argument("--relay-batch", type=int, default=200)
    parser.add_argument(
        "--producer-db", default=None, help="database URL of the producer (default: SQLite file)"
    )
    parser.add_argument(
        "--consumer-db", default=None, help="database URL of notifications (default: SQLite file)"
    )
    parser.add_argument("--amqp-url", default=DEFAULT_AMQP)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--rate", type=float, default=20, help="events/s offered in the latency phase")
    parser.add_argument("--latency-events", type=int, default=200)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args(argv)

    kinds = ["memory", "amqp"] if args.bus == "both" else [args.bus]
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-events-") as workdir:
        for kind in kinds:
            results.append(asyncio.run(run_scenario(kind, args, Path(workdir))))

    report = {
        "benchmark": "events: outbox -> bus -> notifications consumer",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
        },
        "config": {
            "events": args.events,
            "warmup": args.warmup,
            "producers": args.producers,
            "prefetch": args.prefetch,
            "relay_batch": args.relay_batch,
            "one_event_per_transaction": True,
        },
        "results": results,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"events-{datetime.now(UTC):%Y-%m-%d}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print_table(results)
    print(
        "\ndrain ev/s: relay + bus + consumer emptying a filled outbox; live ev/s: with producers "
        "committing at full speed meanwhile; commits/s: those producers; p50/p99/max: "
        f"end-to-end latency at {args.rate:g} events/s; sat. p99: latency while saturated (queueing)."
    )
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
