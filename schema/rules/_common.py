"""Wording shared by the rules, so messages read alike (and like the common composers')."""

from __future__ import annotations

from collections.abc import Sequence

KIND_NAMES = {
    "OBJECT": "Object Type",
    "INTERFACE": "Interface Type",
    "UNION": "Union Type",
    "ENUM": "Enum Type",
    "INPUT_OBJECT": "Input Object Type",
    "SCALAR": "Scalar Type",
}


def subgraphs_phrase(names: Sequence[str]) -> str:
    """``subgraph "a"``, ``subgraphs "a" and "b"``, ``subgraphs "a", "b" and "c"``."""
    quoted = [f'"{n}"' for n in names]
    if len(quoted) == 1:
        return f"subgraph {quoted[0]}"
    return "subgraphs " + ", ".join(quoted[:-1]) + " and " + quoted[-1]


def is_required(type_text: str, default: str | None) -> bool:
    """A non-null argument or input field without a default must be given by the client."""
    return type_text.endswith("!") and default is None
