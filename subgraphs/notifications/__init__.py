"""The notifications subgraph: turns domain events into per-user notifications."""
