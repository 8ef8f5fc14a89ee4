"""Mutations: root fields run in document order; neighbours for one subgraph share a fetch."""

from __future__ import annotations

from .testkit import assert_plan


def test_mutation_root_fields_run_in_document_order() -> None:
    assert_plan(
        "shop",
        """
        mutation { login(username: "a") { name } createProduct(upc: "1") { name } addReview(upc: "1", body: "b") { body } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") { { login(username: "a") { name } } },
            Fetch(service: "products") { { createProduct(upc: "1") { name } } },
            Fetch(service: "reviews") { { addReview(upc: "1", body: "b") { body } } },
          },
        }
        """,
    )


def test_neighbouring_mutation_fields_of_one_subgraph_share_a_fetch() -> None:
    assert_plan(
        "shop",
        """
        mutation { a: login(username: "a") { id } b: login(username: "b") { id } createProduct(upc: "1") { upc } c: login(username: "c") { id } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") { { a: login(username: "a") { id } b: login(username: "b") { id } } },
            Fetch(service: "products") { { createProduct(upc: "1") { upc } } },
            Fetch(service: "accounts") { { c: login(username: "c") { id } } },
          },
        }
        """,
    )


def test_entity_jumps_of_a_mutation_field_run_before_the_next_field() -> None:
    assert_plan(
        "shop",
        """
        mutation { login(username: "a") { reviews { body } } createProduct(upc: "1") { inStock } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") { { login(username: "a") { __typename id } } },
            Flatten(path: "login") {
              Fetch(service: "reviews") { { ... on User { __typename id } } => { ... on User { reviews { body } } } },
            },
            Fetch(service: "products") { { createProduct(upc: "1") { __typename upc } } },
            Flatten(path: "createProduct") {
              Fetch(service: "inventory") { { ... on Product { __typename upc } } => { ... on Product { inStock } } },
            },
          },
        }
        """,
    )
