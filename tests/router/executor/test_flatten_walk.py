"""The Flatten path walker on data shapes a plan does not spell out (``_flatten.collect_positions``).

The walker goes level by level over all branches (bench/README.md, profile round 4); these pin down
that it reaches the same objects, in response order, with the same paths and holders, as walking
each branch recursively did.
"""

from __future__ import annotations

from graphql import build_schema

from router.executor._flatten import collect_positions
from router.executor._possible_types import PossibleTypes

POSSIBLE = PossibleTypes(
    build_schema(
        """
        interface Media { id: ID! }
        type Book implements Media { id: ID! }
        type Movie implements Media { id: ID! }
        type Query { media: [Media] }
        """
    )
)


def walk(data: dict, path: str | tuple[str, ...]) -> list[tuple[list[str | int], dict]]:
    segments = tuple(path.split(".")) if isinstance(path, str) else path
    return [(p.path_list(), p.target) for p in collect_positions(data, segments, POSSIBLE)]


def test_positions_come_in_response_order_with_their_paths_and_holders() -> None:
    a, b, c = {"id": "a"}, {"id": "b"}, {"id": "c"}
    data = {"shelves": [{"books": [a, None, b]}, {"books": []}, None, {"books": [c]}]}
    assert walk(data, "shelves.@.books.@") == [
        (["shelves", 0, "books", 0], a),
        (["shelves", 0, "books", 2], b),
        (["shelves", 3, "books", 0], c),
    ]
    (position,) = collect_positions({"top": {"book": a}}, ("top", "book"), POSSIBLE)
    assert position.parent == {"book": a} and position.key == "book"
    position.set_null()
    assert position.parent == {"book": None}


def test_a_list_where_the_plan_has_no_at_sign_fans_out_anyway() -> None:
    a, b, c = {"id": "a"}, {"id": "b"}, {"id": "c"}
    assert walk({"books": [a, [b, c]]}, "books") == [
        (["books", 0], a),
        (["books", 1, 0], b),
        (["books", 1, 1], c),
    ]
    data = {"shelves": [{"book": a}, {"book": b}]}
    assert walk(data, "shelves.book") == [(["shelves", 0, "book"], a), (["shelves", 1, "book"], b)]


def test_lists_of_lists_with_one_at_sign_fan_out_every_level() -> None:
    a, b = {"id": "a"}, {"id": "b"}
    assert walk({"grid": [[a], [], [b]]}, "grid.@") == [(["grid", 0, 0], a), (["grid", 2, 0], b)]
    assert walk({"grid": [[a], [b]]}, "grid.@.@") == [(["grid", 0, 0], a), (["grid", 1, 0], b)]


def test_an_at_sign_on_an_object_or_a_scalar_on_the_way_ends_the_branch() -> None:
    assert walk({"book": {"id": "a"}}, "book.@") == []
    assert walk({"shelves": [1, "x", {"book": 2}, {"book": {"id": "a"}}]}, "shelves.@.book") == [
        (["shelves", 3, "book"], {"id": "a"})
    ]


def test_type_filters_keep_matching_objects_in_lists_with_and_without_at_signs() -> None:
    book, movie = {"__typename": "Book", "id": "1"}, {"__typename": "Movie", "id": "2"}
    assert walk({"media": [book, movie]}, "media.@.|[Book]") == [(["media", 0], book)]
    assert walk({"media": [book, movie]}, "media.|[Movie]") == [(["media", 1], movie)]
    assert walk({"media": [book, movie, {"id": "3"}]}, ("media", "@", "... on Media")) == [
        (["media", 0], book),
        (["media", 1], movie),
    ]
