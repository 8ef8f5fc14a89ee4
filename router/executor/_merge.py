"""Deep merge of subgraph results into the response being built.

Values from subgraphs are decoded JSON that nothing else holds, so they are moved in, never copied:
a key the target lacks takes the source's object as is; objects present on both sides merge key by
key; lists of equal length merge item by item (two fetches selecting into the same list).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["deep_merge", "merge_entity"]


def deep_merge(target: dict[str, Any], source: dict[str, Any]) -> None:
    """Merge ``source`` into ``target`` in place; on a conflict of non-objects the source wins."""
    for key, value in source.items():
        existing = target.get(key)
        if isinstance(existing, dict) and isinstance(value, dict):
            deep_merge(existing, value)
        elif isinstance(existing, list) and isinstance(value, list) and len(existing) == len(value):
            _merge_lists(existing, value)
        else:
            target[key] = value


def merge_entity(
    target: dict[str, Any], entity: dict[str, Any], is_object_type: Callable[[Any], bool]
) -> None:
    """Merge one ``_entities`` item into the object that produced its representation.

    ``__typename`` keeps the concrete type whichever side names it: an ``@interfaceObject``
    subgraph answers with the interface's name, and the next hop answers the real type.
    """
    for key, value in entity.items():
        existing = target.get(key)
        if isinstance(existing, dict) and isinstance(value, dict):
            deep_merge(existing, value)
        elif isinstance(existing, list) and isinstance(value, list) and len(existing) == len(value):
            _merge_lists(existing, value)
        elif key != "__typename" or existing is None or is_object_type(value) or not is_object_type(existing):
            target[key] = value


def _merge_lists(target: list[Any], source: list[Any]) -> None:
    for index, value in enumerate(source):
        existing = target[index]
        if isinstance(existing, dict) and isinstance(value, dict):
            deep_merge(existing, value)
        elif isinstance(existing, list) and isinstance(value, list) and len(existing) == len(value):
            _merge_lists(existing, value)
        else:
            target[index] = value
