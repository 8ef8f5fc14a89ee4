"""The built-in evaluator of ``@policy``: which named policies a request's verified claims satisfy.

Apollo's ``policy`` v0.1 spec leaves what a policy *means* to the router: Apollo Router hands the
names an operation uses to a coprocessor or a Rhai script, which says which are satisfied. Here the
meaning is configuration (``ROUTER_POLICIES``, JSON): each policy name maps to one rule over the
claims of the verified access token, and nothing else (no headers, no variables, no I/O), so the
verdict is a pure function of the token and can be cached with the plan. A rule is one of

    {"claim": "role", "equals": "admin"}          the claim is exactly this string, number or bool
    {"claim": "groups", "contains": "support"}    the claim is a list holding it, or a
                                                  space-separated string (like "scope") with it
    {"any": [rule, ...]}                          at least one rule holds
    {"all": [rule, ...]}                          every rule holds (an empty list is refused)

A claim that is absent or of another type fails the rule, an anonymous request satisfies no policy,
and a policy name the supergraph uses but the configuration does not define is never satisfied
(the router warns about it at start-up). Rules are checked once, at start-up, and a malformed one
stops the router with a message that says where it is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._authorization import Claims

__all__ = ["Policies", "PolicyRule"]

_Scalar = str | int | float | bool


@dataclass(frozen=True, slots=True, kw_only=True)
class _Equals:
    claim: str
    value: _Scalar

    def holds(self, claims: Mapping[str, Any]) -> bool:
        found = claims.get(self.claim)
        # type() and not isinstance: True must not equal 1, nor "1" equal 1.
        return type(found) is type(self.value) and found == self.value


@dataclass(frozen=True, slots=True, kw_only=True)
class _Contains:
    claim: str
    value: _Scalar

    def holds(self, claims: Mapping[str, Any]) -> bool:
        found = claims.get(self.claim)
        if isinstance(found, str):
            return isinstance(self.value, str) and self.value in found.split()
        if isinstance(found, list | tuple):
            return any(type(item) is type(self.value) and item == self.value for item in found)
        return False


@dataclass(frozen=True, slots=True, kw_only=True)
class _Any:
    rules: tuple[PolicyRule, ...]

    def holds(self, claims: Mapping[str, Any]) -> bool:
        return any(rule.holds(claims) for rule in self.rules)


@dataclass(frozen=True, slots=True, kw_only=True)
class _All:
    rules: tuple[PolicyRule, ...]

    def holds(self, claims: Mapping[str, Any]) -> bool:
        return all(rule.holds(claims) for rule in self.rules)


PolicyRule = _Equals | _Contains | _Any | _All


def _parse(raw: Any, where: str) -> PolicyRule:
    if not isinstance(raw, Mapping):
        raise ValueError(f'{where} must be an object like {{"claim": "role", "equals": "admin"}}')
    keys = set(raw)
    if keys in ({"any"}, {"all"}):
        (kind,) = keys
        items = raw[kind]
        if not isinstance(items, list) or not items:
            raise ValueError(f"{where}.{kind} must be a non-empty list of rules")
        rules = tuple(_parse(item, f"{where}.{kind}[{index}]") for index, item in enumerate(items))
        return _Any(rules=rules) if kind == "any" else _All(rules=rules)
    if keys in ({"claim", "equals"}, {"claim", "contains"}):
        claim = raw["claim"]
        if not isinstance(claim, str) or not claim:
            raise ValueError(f"{where}.claim must be a claim name")
        (operator,) = keys - {"claim"}
        value = raw[operator]
        if not isinstance(value, _Scalar):
            raise ValueError(f"{where}.{operator} must be a string, number or boolean")
        return (
            _Equals(claim=claim, value=value) if operator == "equals" else _Contains(claim=claim, value=value)
        )
    raise ValueError(
        f"{where} has keys {sorted(keys)}; a rule is {{claim, equals}}, {{claim, contains}}, {{any}} or {{all}}"
    )


class Policies:
    """Named rules over verified claims (see the module docstring); built from the configuration's
    JSON object, which is validated here once."""

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        self._rules: dict[str, PolicyRule] = {}
        for name, raw in (config or {}).items():
            if not isinstance(name, str) or not name:
                raise ValueError("ROUTER_POLICIES: a policy name must be a non-empty string")
            self._rules[name] = _parse(raw, f"ROUTER_POLICIES[{name!r}]")

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self._rules)

    def satisfied(self, claims: Claims | None, among: frozenset[str] | None = None) -> frozenset[str]:
        """The policies (of ``among``, default all) that ``claims`` satisfy; none when anonymous."""
        if claims is None:
            return frozenset()
        verified = {**claims.extra, "sub": claims.subject}
        names = self._rules.keys() if among is None else among & self._rules.keys()
        return frozenset(name for name in names if self._rules[name].holds(verified))
