"""The built-in ``@policy`` evaluator: rules over verified claims, parsed once, failing closed."""

from __future__ import annotations

from typing import Any

import pytest

from router.executor import Claims, Policies


def claims(**extra: Any) -> Claims:
    return Claims(subject="u1", extra=extra)


POLICIES = Policies(
    {
        "admin": {"claim": "role", "equals": "admin"},
        "support": {"claim": "groups", "contains": "support"},
        "reader": {"claim": "scope", "contains": "docs:read"},
        "staff": {"any": [{"claim": "role", "equals": "admin"}, {"claim": "groups", "contains": "staff"}]},
        "senior_support": {
            "all": [{"claim": "groups", "contains": "support"}, {"claim": "level", "equals": 3}]
        },
        "verified": {"claim": "email_verified", "equals": True},
        "self": {"claim": "sub", "equals": "u1"},
    }
)


def test_equals_matches_a_claim_exactly() -> None:
    assert "admin" in POLICIES.satisfied(claims(role="admin"))
    assert "admin" not in POLICIES.satisfied(claims(role="administrator"))
    assert "admin" not in POLICIES.satisfied(claims(role=["admin"]))


def test_contains_matches_a_list_member_or_a_space_separated_word() -> None:
    assert "support" in POLICIES.satisfied(claims(groups=["billing", "support"]))
    assert "support" not in POLICIES.satisfied(claims(groups=["supporters"]))
    assert "reader" in POLICIES.satisfied(claims(scope="docs:write docs:read"))
    assert "reader" not in POLICIES.satisfied(claims(scope="docs:reader"))


def test_any_and_all_combine_rules() -> None:
    assert "staff" in POLICIES.satisfied(claims(groups=["staff"]))
    assert "staff" in POLICIES.satisfied(claims(role="admin"))
    assert "staff" not in POLICIES.satisfied(claims(role="customer"))
    assert "senior_support" in POLICIES.satisfied(claims(groups=["support"], level=3))
    assert "senior_support" not in POLICIES.satisfied(claims(groups=["support"], level=2))


def test_values_of_another_type_never_match() -> None:
    # In Python True == 1 and 1 == 1.0; a claim of another JSON type is not the configured value.
    assert "verified" not in POLICIES.satisfied(claims(email_verified=1))
    assert "verified" not in POLICIES.satisfied(claims(email_verified="true"))
    assert "verified" in POLICIES.satisfied(claims(email_verified=True))
    assert "senior_support" not in POLICIES.satisfied(claims(groups=["support"], level="3"))


def test_missing_claims_fail_and_the_subject_is_a_claim() -> None:
    assert POLICIES.satisfied(claims()) == frozenset({"self"})


def test_an_anonymous_request_satisfies_no_policy() -> None:
    assert POLICIES.satisfied(None) == frozenset()


def test_only_the_asked_policies_are_evaluated_and_unknown_names_are_never_satisfied() -> None:
    assert POLICIES.satisfied(claims(role="admin"), frozenset({"admin", "nobody-defined-this"})) == {"admin"}


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"p": "admin"}, r"ROUTER_POLICIES\['p'\] must be an object"),
        ({"p": {"claim": "role"}}, r"ROUTER_POLICIES\['p'\] has keys \['claim'\]"),
        ({"p": {"claim": "role", "equals": "a", "contains": "b"}}, "has keys"),
        ({"p": {"claim": "", "equals": "a"}}, r"\.claim must be a claim name"),
        ({"p": {"claim": "groups", "contains": ["a"]}}, r"\.contains must be a string, number or boolean"),
        ({"p": {"any": []}}, r"\.any must be a non-empty list of rules"),
        (
            {"p": {"all": [{"claim": "x", "equals": 1}, {"nope": 1}]}},
            r"ROUTER_POLICIES\['p'\]\.all\[1\] has keys",
        ),
    ],
)
def test_a_malformed_rule_is_refused_with_where_it_is_wrong(config: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Policies(config)
