"""Federated Strawberry subgraph sets, one module per federation feature.

Each module exports ``SUBGRAPHS`` (subgraph name -> ``strawberry.federation.Schema``) and, when its
data can change (mutations), ``reset()`` to restore the seed data. The subgraph name is also the host
the router reaches it at (``http://<name>/graphql``) and the ``join__Graph`` name in the fixture.
"""
