"""The orders subgraph: orders of users, placing them (with stock reservations) and their lifecycle."""
