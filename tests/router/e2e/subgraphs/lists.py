"""Lists of lists of entities: the flatten path goes through two list levels (``matrix.@.@``).

- grid:  ``Cell @key(id)``; ``Query.matrix: [[Cell!]!]!`` (cell c2 appears twice),
  ``Query.sparse: [[Cell]]`` (with null rows and null cells).
- paint: ``Cell.color``.
"""

from __future__ import annotations

import strawberry


@strawberry.federation.type(keys=["id"], name="Cell")
class GridCell:
    id: strawberry.ID


def _cell(id: str) -> GridCell:
    return GridCell(id=strawberry.ID(id))


@strawberry.type
class GridQuery:
    @strawberry.field
    def matrix(self) -> list[list[GridCell]]:
        return [[_cell("c1"), _cell("c2")], [_cell("c2"), _cell("c3")], []]

    @strawberry.field
    def sparse(self) -> list[list[GridCell | None] | None] | None:
        return [[_cell("c1"), None], None, [_cell("c4")]]


grid = strawberry.federation.Schema(query=GridQuery, federation_version="2.7")

COLORS = {"c1": "red", "c2": "green", "c3": "blue", "c4": "black"}


@strawberry.federation.type(keys=["id"], name="Cell")
class PaintedCell:
    id: strawberry.ID

    @strawberry.field
    def color(self) -> str:
        return COLORS[self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> PaintedCell:
        return cls(id=id)


@strawberry.type
class PaintQuery:
    @strawberry.field
    def palette_size(self) -> int:
        return len(COLORS)


paint = strawberry.federation.Schema(query=PaintQuery, types=[PaintedCell], federation_version="2.7")

SUBGRAPHS = {"grid": grid, "paint": paint}
