"""The reviews subgraph: product reviews by buyers, and each product's average rating."""
