"""The query tree: the normalized operation with, for every selection, the subgraph that resolves it.

Output of the walk/choose stage, input of the fetch graph stage. Within one subgraph a selection is
a ``TreeField`` or ``TreeFragment``; ``TreeJump`` leaves the current subgraph for another one through
an entity key (``inputs`` fetch the key and ``@requires`` fields in the subgraph being left);
``TreeRootJump`` re-enters another subgraph's query root from a ``Query`` object a field returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from ._operation import DeferMark, OpField, OpSelection, VarCondition

__all__ = ["QueryTree", "RootGroup", "TreeField", "TreeFragment", "TreeJump", "TreeNode", "TreeRootJump"]


@dataclass(frozen=True, slots=True, kw_only=True)
class TreeField:
    """``field`` resolved in the current subgraph; ``children`` plan its selection there."""

    field: OpField
    children: tuple[TreeNode, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class TreeFragment:
    """An inline fragment in the current subgraph (``type_condition`` None: conditions only)."""

    type_condition: str | None
    conditions: tuple[VarCondition, ...] = ()
    children: tuple[TreeNode, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class TreeJump:
    """Entity jump from ``source_type`` here into ``target_type`` of ``graph`` through ``key``."""

    graph: str
    source_type: str
    target_type: str
    key: str
    inputs: tuple[TreeNode, ...]
    """Plan, in the subgraph being left, of the key and ``@requires`` fields."""
    input_selections: tuple[OpSelection, ...]
    """What each representation carries besides ``__typename``: the key and ``@requires`` fields."""
    children: tuple[TreeNode, ...]
    defer: DeferMark | None = None
    """The jump starts the deferred part of this ``@defer`` fragment (its fetches are that part's)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TreeRootJump:
    """Root type re-entry: from a ``Query`` object reached through a field into ``graph``'s query root.

    Needs no input (any subgraph answers a plain ``query`` from there), so ``children`` are asked in a
    root-kind fetch of ``graph`` whose data merges into that object.
    """

    graph: str
    root_type: str
    children: tuple[TreeNode, ...]
    defer: DeferMark | None = None
    """As for ``TreeJump``: the re-entry starts a deferred part."""


TreeNode: TypeAlias = TreeField | TreeFragment | TreeJump | TreeRootJump


@dataclass(frozen=True, slots=True, kw_only=True)
class RootGroup:
    """Root fields sent to one subgraph in one root fetch (of the deferred part ``defer``, if set)."""

    graph: str
    children: tuple[TreeNode, ...]
    defer: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class QueryTree:
    """Root groups: concurrent for queries, in document order for mutations (``sequential``)."""

    root_type: str
    groups: tuple[RootGroup, ...]
    sequential: bool = False
    cost: float = 0.0
