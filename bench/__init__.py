"""Benchmarks of the router next to the Node federation gateways: ``python -m bench`` (bench/README.md)."""
