"""Root type re-entry: a field returning ``Query`` (``Viewer.query``, ``Query.root``, a mutation
payload's ``query``) lets the client go on with root fields of any subgraph. Fields the subgraph that
returned the object resolves stay in its fetch; the others become a plain root ``query`` of their
subgraph, flattened at the object's path (no ``_entities``, no representations)."""

from __future__ import annotations

import json

from graphql import parse

from router.planner import Fetch, Flatten, Sequence, plan

from .testkit import assert_plan, supergraph


def test_query_field_of_another_subgraph_is_a_root_fetch_at_the_path_of_the_query_object() -> None:
    assert_plan(
        "root_reentry",
        "{ viewer { name query { topProducts { name } } } }",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") { { viewer { name query { __typename } } } },
            Flatten(path: "viewer.query") {
              Fetch(service: "products") { { topProducts { name } } },
            },
          },
        }
        """,
    )


def test_query_fields_of_the_subgraph_that_returned_the_query_object_need_no_extra_fetch() -> None:
    assert_plan(
        "root_reentry",
        "{ root { latestReviews { body } } viewer { query { me { name } } } }",
        """
        QueryPlan {
          Parallel {
            Fetch(service: "reviews") { { root { latestReviews { body } } } },
            Fetch(service: "accounts") { { viewer { query { me { name } } } } },
          },
        }
        """,
    )


def test_only_typename_under_the_query_object_needs_no_extra_fetch() -> None:
    assert_plan(
        "root_reentry",
        "{ viewer { query { __typename } } }",
        """
        QueryPlan {
          Fetch(service: "accounts") { { viewer { query { __typename } } } },
        }
        """,
    )


def test_entity_jumps_below_a_re_entered_field_start_from_the_re_entry_fetch() -> None:
    assert_plan(
        "root_reentry",
        "{ viewer { query { topProducts { name inStock } me { name } } } }",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") { { viewer { query { __typename me { name } } } } },
            Flatten(path: "viewer.query") {
              Fetch(service: "products") { { topProducts { __typename name upc } } },
            },
            Flatten(path: "viewer.query.topProducts.@") {
              Fetch(service: "inventory") { { ... on Product { __typename upc } } => { ... on Product { inStock } } },
            },
          },
        }
        """,
    )


def test_re_entries_into_two_subgraphs_at_one_path_run_in_parallel() -> None:
    assert_plan(
        "root_reentry",
        "{ viewer { query { topProducts { name } latestReviews { body } } } }",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") { { viewer { query { __typename } } } },
            Parallel {
              Flatten(path: "viewer.query") {
                Fetch(service: "products") { { topProducts { name } } },
              },
              Flatten(path: "viewer.query") {
                Fetch(service: "reviews") { { latestReviews { body } } },
              },
            },
          },
        }
        """,
    )


def test_re_entry_under_a_list_fans_out_over_its_items() -> None:
    assert_plan(
        "root_reentry",
        '{ latestReviews { body query { product(upc: "1") { name } } } }',
        """
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") { { latestReviews { body query { __typename } } } },
            Flatten(path: "latestReviews.@.query") {
              Fetch(service: "products") { { product(upc: "1") { name } } },
            },
          },
        }
        """,
    )


def test_re_entry_below_another_re_entry_of_the_same_subgraph_stays_in_its_fetch() -> None:
    assert_plan(
        "root_reentry",
        "{ root { root { topProducts { name } latestReviews { body } } } }",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") { { root { root { __typename latestReviews { body } } } } },
            Flatten(path: "root.root") {
              Fetch(service: "products") { { topProducts { name } } },
            },
          },
        }
        """,
    )


def test_mutation_payload_query_is_re_entered_after_the_mutation_ran() -> None:
    assert_plan(
        "root_reentry",
        """
        mutation {
          createReview(upc: "1", body: "Sturdy.") { review { id } query { topProducts { name reviews { body } } } }
        }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") { { createReview(upc: "1", body: "Sturdy.") { review { id } query { __typename } } } },
            Flatten(path: "createReview.query") {
              Fetch(service: "products") { { topProducts { __typename name upc } } },
            },
            Flatten(path: "createReview.query.topProducts.@") {
              Fetch(service: "reviews") { { ... on Product { __typename upc } } => { ... on Product { reviews { body } } } },
            },
          },
        }
        """,
    )


def test_mutation_payload_query_fields_of_the_mutated_subgraph_stay_in_the_mutation_fetch() -> None:
    assert_plan(
        "root_reentry",
        'mutation { createReview(upc: "1", body: "b") { query { latestReviews { body } } } }',
        """
        QueryPlan {
          Fetch(service: "reviews") { { createReview(upc: "1", body: "b") { query { latestReviews { body } } } } },
        }
        """,
    )


def test_re_entry_fetch_of_a_mutation_is_a_named_query_with_the_client_variables_it_uses() -> None:
    document = parse(
        'mutation Review($upc: String!) { createReview(upc: $upc, body: "b") { query { product(upc: $upc) { name } } } }'
    )
    query_plan = plan(supergraph("root_reentry"), document, None)
    assert isinstance(query_plan.node, Sequence)
    mutation, reentry = query_plan.node.nodes
    assert isinstance(mutation, Fetch) and mutation.operation_kind == "mutation"
    assert isinstance(reentry, Flatten) and not reentry.node.is_entity_fetch
    assert json.loads(json.dumps(reentry.to_json())) == {
        "kind": "Flatten",
        "path": ["createReview", "query"],
        "node": {
            "kind": "Fetch",
            "serviceName": "products",
            "operationKind": "query",
            "operation": "query Review__products__2($upc: String!) { product(upc: $upc) { name } }",
            "variableUsages": ["upc"],
            "operationName": "Review__products__2",
        },
    }


def test_re_entry_with_a_variable_condition_is_wrapped_in_the_condition() -> None:
    assert_plan(
        "root_reentry",
        "query($x: Boolean!) { viewer { name query { topProducts @include(if: $x) { name } } } }",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") { { viewer { name query { __typename } } } },
            Include(if: $x) {
              Flatten(path: "viewer.query") {
                Fetch(service: "products") { { topProducts { name } } },
              },
            },
          },
        }
        """,
    )


def test_root_fields_never_re_enter_another_subgraph() -> None:
    # At the operation's root every subgraph is entered directly: one root fetch per subgraph.
    assert_plan(
        "root_reentry",
        "{ viewer { name } topProducts { name } }",
        """
        QueryPlan {
          Parallel {
            Fetch(service: "accounts") { { viewer { name } } },
            Fetch(service: "products") { { topProducts { name } } },
          },
        }
        """,
    )
