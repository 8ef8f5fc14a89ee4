"""``@override(from:, label:)``: moving a field's ownership between subgraphs.

Implements the ``@override`` rules of federation 2 (and progressive override, ``label``, from
2.7): a subgraph cannot override itself (``OVERRIDE_FROM_SELF_ERROR``), only one side may carry
the directive (``OVERRIDE_SOURCE_HAS_OVERRIDE``), an overriding field cannot be ``@external``
(``OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE``), interfaces cannot be overridden
(``OVERRIDE_ON_INTERFACE``) and labels are ``percent(N)`` or an identifier
(``OVERRIDE_LABEL_INVALID``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .._merge import Supergraph
from ..errors import CompositionError

_LABEL = re.compile(r"^(percent\((\d{1,2}(\.\d{1,8})?|100)\)|[a-zA-Z][a-zA-Z0-9_\-:.]*)$")


def check_override(supergraph: Supergraph) -> Iterator[CompositionError]:
    """Validate every ``@override`` against the subgraphs it names."""
    for t in supergraph.types.values():
        for f in t.fields.values():
            coordinate = f"{t.name}.{f.name}"
            for g, fd in sorted(f.by_graph.items()):
                if fd.override is None:
                    continue
                if t.kind == "INTERFACE" and not t.by_graph[g].interface_object:
                    yield CompositionError(
                        code="OVERRIDE_ON_INTERFACE",
                        message=(
                            f'[{g}] @override cannot be used on field "{coordinate}" of interface type'
                            f' "{t.name}".'
                        ),
                        subgraph=g,
                        coordinate=coordinate,
                    )
                    continue
                if fd.override == g:
                    yield CompositionError(
                        code="OVERRIDE_FROM_SELF_ERROR",
                        message=(
                            f'[{g}] Source and destination subgraphs "{g}" are the same for overridden'
                            f' field "{coordinate}"'
                        ),
                        subgraph=g,
                        coordinate=coordinate,
                    )
                    continue
                if fd.external:
                    yield CompositionError(
                        code="OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE",
                        message=(
                            f'[{g}] @override cannot be used on field "{coordinate}" on subgraph "{g}" since'
                            f' "{coordinate}" on "{g}" is marked with directive "@external"'
                        ),
                        subgraph=g,
                        coordinate=coordinate,
                    )
                source = f.by_graph.get(fd.override)
                if source is not None and source.override is not None:
                    yield CompositionError(
                        code="OVERRIDE_SOURCE_HAS_OVERRIDE",
                        message=(
                            f'Field "{coordinate}" on subgraph "{g}" is also marked with directive'
                            " @override in"
                            f' subgraph "{fd.override}". Only one @override directive is allowed per field.'
                        ),
                        subgraph=g,
                        coordinate=coordinate,
                    )
                if fd.override_label is not None and not _LABEL.match(fd.override_label):
                    yield CompositionError(
                        code="OVERRIDE_LABEL_INVALID",
                        message=(
                            f'[{g}] Invalid @override label "{fd.override_label}" on field'
                            f' "{coordinate}": labels'
                            ' must be "percent(N)" with 0 <= N <= 100 or start with a letter and contain only'
                            " letters, digits, _, -, : and ."
                        ),
                        subgraph=g,
                        coordinate=coordinate,
                    )
