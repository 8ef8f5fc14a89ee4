"""The users subgraph: accounts, sign-in (access + rotating refresh tokens) and the ``User`` entity."""
