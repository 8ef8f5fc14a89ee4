"""The inventory subgraph: stock levels of products and the stock reservations of orders."""
