"""API schema diffs: breaking, dangerous and safe changes; API schema derivation from a supergraph."""

from __future__ import annotations

from schema import api_schema_from_supergraph, compose, diff_api_schemas

from ._testkit import load_fixture_sets

OLD = """
type Query { user(id: ID!): User users(limit: Int): [User] }
type User { id: ID! name: String email: String }
enum Role { ADMIN USER }
"""


def _severities(old: str, new: str) -> dict[str, str]:
    return {c.code: c.severity for c in diff_api_schemas(old, new)}


def test_removing_a_field_is_breaking() -> None:
    new = OLD.replace(" email: String", "")
    changes = diff_api_schemas(OLD, new)
    assert changes[0].severity == "BREAKING"
    assert changes[0].code == "FIELD_REMOVED"
    assert "User.email" in changes[0].message


def test_making_an_argument_required_is_breaking_and_adding_a_field_is_safe() -> None:
    new = OLD.replace("users(limit: Int)", "users(limit: Int!)").replace(
        "email: String", "email: String age: Int"
    )
    severities = _severities(OLD, new)
    assert severities["ARG_CHANGED_KIND"] == "BREAKING"
    assert severities["FIELD_ADDED"] == "SAFE"


def test_adding_an_enum_value_is_dangerous() -> None:
    assert _severities(OLD, OLD.replace("ADMIN USER", "ADMIN USER GUEST")) == {
        "VALUE_ADDED_TO_ENUM": "DANGEROUS"
    }


def test_identical_schemas_have_no_changes() -> None:
    assert diff_api_schemas(OLD, OLD) == []


def test_api_schema_from_supergraph_matches_the_composed_api_schema() -> None:
    """Deriving the API schema from the supergraph text gives what composition printed."""
    for fixture_set in load_fixture_sets():
        if not fixture_set.valid:
            continue
        result = compose(fixture_set.subgraphs)
        assert result.supergraph_sdl is not None and result.api_schema_sdl is not None
        derived = api_schema_from_supergraph(result.supergraph_sdl)
        assert diff_api_schemas(result.api_schema_sdl, derived) == [], fixture_set.name


def test_api_schema_hides_inaccessible_elements() -> None:
    (fixture_set,) = [s for s in load_fixture_sets() if s.name == "inaccessible_and_tags"]
    result = compose(fixture_set.subgraphs)
    assert result.api_schema_sdl is not None
    assert "secret" not in result.api_schema_sdl
    assert "HIGH" not in result.api_schema_sdl
    assert "verbose" not in result.api_schema_sdl
    assert "@tag" not in result.api_schema_sdl and "join__" not in result.api_schema_sdl
