"""Mutable selection sets the fetch graph builds, printed into subgraph operations at the end.

A field or fragment is added once; adding it again merges sub-selections. A field whose response key
is already taken by a different field (another name or arguments) gets an internal alias.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._operation import OpField, OpFragment, OpSelection, VarCondition, conditions_text
from .nodes import FieldSelection, FragmentSelection, Selection

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["FieldItem", "FragmentItem", "SelectionSet"]


class FieldItem:
    __slots__ = (
        "alias",
        "arguments",
        "conditions",
        "directives",
        "internal",
        "name",
        "shape",
        "sub",
        "variables",
    )

    def __init__(
        self,
        *,
        name: str,
        alias: str | None,
        arguments: str,
        variables: frozenset[str],
        conditions: tuple[VarCondition, ...],
        internal: bool,
        shape: str = "",
        directives: str = "",
    ) -> None:
        self.name = name
        self.directives = directives
        self.shape = shape
        """The field's type as the subgraph declares it (``@join__field(type:)``), for merge checks."""
        self.alias = alias
        self.arguments = arguments
        self.variables = variables
        self.conditions = conditions
        self.internal = internal
        self.sub = SelectionSet()

    @property
    def response_key(self) -> str:
        return self.alias or self.name


class FragmentItem:
    __slots__ = ("conditions", "sub", "type_condition")

    def __init__(self, *, type_condition: str | None, conditions: tuple[VarCondition, ...]) -> None:
        self.type_condition = type_condition
        self.conditions = conditions
        self.sub = SelectionSet()


class SelectionSet:
    """An ordered selection set under construction."""

    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: dict[tuple[object, ...], FieldItem | FragmentItem] = {}

    def __bool__(self) -> bool:
        return bool(self.items)

    def add_field(
        self, field: OpField, *, conditions: tuple[VarCondition, ...], internal: bool, shape: str = ""
    ) -> FieldItem:
        """Add ``field`` (or find it); returns the item, whose ``response_key`` may be an internal alias."""
        wanted = field.response_key
        for item in self.items.values():
            if (
                isinstance(item, FieldItem)
                and item.name == field.name
                and item.arguments == field.arguments
                and item.conditions == conditions
                and item.directives == field.directives
                and (
                    item.response_key == wanted
                    or (internal and item.response_key.startswith(wanted + "__alias_"))
                )
            ):
                if not internal:
                    item.internal = False
                return item
        alias = field.alias
        if self._taken(wanted, field.name, field.arguments):
            n = 0
            while self._taken(f"{wanted}__alias_{n}", field.name, field.arguments):
                n += 1
            alias = f"{wanted}__alias_{n}"
        key = ("f", alias or field.name, field.name, field.arguments, conditions, field.directives)
        item = FieldItem(
            name=field.name,
            alias=alias,
            arguments=field.arguments,
            variables=field.variables,
            conditions=conditions,
            internal=internal,
            shape=shape,
            directives=field.directives,
        )
        self.items[key] = item
        return item

    def _taken(self, response_key: str, name: str, arguments: str) -> bool:
        return any(
            isinstance(i, FieldItem)
            and i.response_key == response_key
            and (i.name != name or i.arguments != arguments)
            for i in self.items.values()
        )

    def add_fragment(self, type_condition: str | None, conditions: tuple[VarCondition, ...]) -> FragmentItem:
        key = ("t", type_condition, conditions)
        item = self.items.get(key)
        if not isinstance(item, FragmentItem):
            item = FragmentItem(type_condition=type_condition, conditions=conditions)
            self.items[key] = item
        return item

    def add_selections(
        self, selections: tuple[OpSelection, ...], renames: Mapping[str, str] | None = None
    ) -> None:
        """Add a field set (keys, requires) as is; ``renames`` maps response keys to internal aliases."""
        for s in selections:
            if isinstance(s, OpField):
                name = (renames or {}).get(s.response_key)
                f = OpField(name=name, type_name=s.type_name) if name else s
                item = self.add_field(f, conditions=(), internal=True)
                item.sub.add_selections(s.selections)
            elif isinstance(s, OpFragment):
                self.add_fragment(s.type_condition, ()).sub.add_selections(s.selections)

    def merge(self, other: SelectionSet) -> None:
        for key, item in other.items.items():
            mine = self.items.get(key)
            if mine is None:
                self.items[key] = item
            else:
                mine.sub.merge(item.sub)

    def variables(self) -> set[str]:
        out: set[str] = set()
        for item in self.items.values():
            if isinstance(item, FieldItem):
                out |= item.variables
            out |= {c.variable for c in item.conditions}
            out |= item.sub.variables()
        return out

    def ordered(self) -> list[FieldItem | FragmentItem]:
        """``__typename`` first, then insertion order (planner fields after the client's)."""
        items = list(self.items.values())
        return [i for i in items if isinstance(i, FieldItem) and i.name == "__typename"] + [
            i for i in items if not (isinstance(i, FieldItem) and i.name == "__typename")
        ]

    def text(self) -> str:
        """The selection set as one line: ``{ a b(x: 1) @include(if: $v) { c } ... on T { d } }``."""
        parts: list[str] = []
        for item in self.ordered():
            if isinstance(item, FieldItem):
                head = f"{item.alias}: {item.name}" if item.alias else item.name
                part = head + item.arguments + conditions_text(item.conditions) + item.directives
            else:
                part = "..." + (f" on {item.type_condition}" if item.type_condition else "")
                part += conditions_text(item.conditions)
            if item.sub:
                part += " " + item.sub.text()
            parts.append(part)
        return "{ " + " ".join(parts) + " }" if parts else "{}"

    def to_selections(self) -> tuple[Selection, ...]:
        """As plan ``requires`` selections (field sets carry no arguments or conditions)."""
        out: list[Selection] = []
        for item in self.ordered():
            if isinstance(item, FieldItem):
                out.append(
                    FieldSelection(name=item.name, alias=item.alias, selections=item.sub.to_selections())
                )
            elif item.type_condition is not None:
                out.append(
                    FragmentSelection(type_condition=item.type_condition, selections=item.sub.to_selections())
                )
            else:
                out.extend(item.sub.to_selections())
        return tuple(out)
