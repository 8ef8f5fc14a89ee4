"""Client aliases are kept; an alias clashing with a planner field is resolved by internal aliases."""

from __future__ import annotations

from .testkit import assert_plan


def test_aliases_are_sent_to_the_subgraph() -> None:
    assert_plan(
        "shop",
        """
        { account: me { fullName: name } }
        """,
        """
        QueryPlan {
          Fetch(service: "accounts") { { account: me { fullName: name } } },
        }
        """,
    )


def test_the_same_field_twice_with_different_arguments_keeps_both_aliases() -> None:
    assert_plan(
        "shop",
        """
        { a: user(id: 1) { name } b: user(id: 2) { name } }
        """,
        """
        QueryPlan {
          Fetch(service: "accounts") { { a: user(id: 1) { name } b: user(id: 2) { name } } },
        }
        """,
    )


def test_an_alias_equal_to_a_key_field_name_gets_the_key_an_internal_alias() -> None:
    assert_plan(
        "shop",
        """
        { me { id: legacyId reviews { body } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") { { me { __typename id: legacyId id__alias_0: id } } },
            Flatten(path: "me") {
              Fetch(service: "reviews", inputRewrites: [... on User/id__alias_0 -> id]) { { ... on User { __typename id__alias_0 } } => { ... on User { reviews { body } } } },
            },
          },
        }
        """,
    )


def test_a_field_typed_differently_by_the_subgraph_is_aliased_and_renamed_back() -> None:
    assert_plan(
        "clash",
        """
        { things { ... on Car { size model } ... on Shirt { size } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a", outputRewrites: [things/... on Shirt/size__alias_0 -> size]) { { things { __typename ... on Car { __typename size id } ... on Shirt { size__alias_0: size } } } },
            Flatten(path: "things.@|[Car]") {
              Fetch(service: "b") { { ... on Car { __typename id } } => { ... on Car { model } } },
            },
          },
        }
        """,
    )


def test_aliased_fields_are_followed_in_flatten_paths() -> None:
    assert_plan(
        "shop",
        """
        { mine: me { writings: reviews { text: body item: product { inStock } } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") { { mine: me { __typename id } } },
            Flatten(path: "mine") {
              Fetch(service: "reviews") { { ... on User { __typename id } } => { ... on User { writings: reviews { text: body item: product { __typename upc } } } } },
            },
            Flatten(path: "mine.writings.@.item") {
              Fetch(service: "inventory") { { ... on Product { __typename upc } } => { ... on Product { inStock } } },
            },
          },
        }
        """,
    )
