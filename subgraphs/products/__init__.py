"""The products subgraph: the catalogue and the ``Product`` entity (keyed by id and by sku)."""
