"""Progressive ``@override``: which ``percent(x)`` labels are on for one request.

A field migrated with ``@override(from: "old", label: "percent(25)")`` is resolved by the new
subgraph for about a quarter of requests. The router draws once per label per request; the labels
that are on (plus the ones the caller enabled, e.g. by header) key the plan cache and go to the
planner. Implements the label semantics of the federation ``@override`` directive (v2.7).
"""

from __future__ import annotations

import random
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

__all__ = ["ProgressiveOverride"]

_PERCENT = re.compile(r"^percent\((\d+(?:\.\d+)?)\)$")


class ProgressiveOverride:
    """Draws the ``percent(x)`` labels of a supergraph for each request."""

    def __init__(self, labels: Iterable[str], *, draw: Callable[[], float] = random.random) -> None:
        percents = []
        for label in sorted(set(labels)):
            match = _PERCENT.match(label)
            if match:
                percents.append((label, float(match.group(1)) / 100))
        self._percents = tuple(percents)
        self._draw = draw

    @classmethod
    def of(cls, supergraph: Any) -> ProgressiveOverride:
        """The labels used by ``supergraph``'s ``@join__field(overrideLabel:)``s (none if it has no model)."""
        types = getattr(supergraph, "types", None) or {}
        labels = {
            join.override_label
            for type_ in types.values()
            for field in type_.fields.values()
            for join in field.joins
            if join.override_label
        }
        return cls(labels)

    def labels(self, enabled: frozenset[str]) -> frozenset[str]:
        """``enabled`` plus the percentage labels that are on for this request."""
        if not self._percents:
            return enabled
        drawn = {label for label, share in self._percents if self._draw() < share}
        return enabled | drawn if drawn else enabled
