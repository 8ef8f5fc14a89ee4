"""Reading reviews: ``Product.reviews``/``averageRating``, ``User.reviews``, ``Review`` entities, batching."""

from __future__ import annotations

from sqlalchemy import text

from .testkit import PRODUCT_REVIEWS, code, error, products, selects


async def test_product_reviews_and_average_rating_of_seeded_products(system_factory) -> None:
    async with system_factory("reviews") as system:
        body = await system.graphql(
            "reviews", PRODUCT_REVIEWS, {"representations": products("product-1", "product-2", "product-4")}
        )
    assert "errors" not in body
    first, second, unreviewed = body["data"]["_entities"]
    assert first["averageRating"] == 5.0
    assert [edge["node"] for edge in first["reviews"]["edges"]] == [
        {"id": "review-1", "rating": 5, "author": {"id": "user-2"}}
    ]
    assert second["averageRating"] == 3.0
    assert unreviewed == {
        "id": "product-4",
        "averageRating": None,
        "reviews": {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}},
    }


async def test_user_reviews_lists_what_they_wrote_newest_first(system_factory) -> None:
    query = """
    query($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on User { id reviews { edges { node { id product { id } } } } } } }
    """
    async with system_factory("reviews") as system:
        body = await system.graphql(
            "reviews",
            query,
            {
                "representations": [
                    {"__typename": "User", "id": "user-2"},
                    {"__typename": "User", "id": "user-4"},
                ]
            },
        )
    alice, carol = body["data"]["_entities"]
    assert [edge["node"] for edge in alice["reviews"]["edges"]] == [
        {"id": "review-2", "product": {"id": "product-3"}},
        {"id": "review-1", "product": {"id": "product-1"}},
    ]
    assert carol["reviews"]["edges"] == []


async def test_user_reviews_page_with_first_and_after(system_factory) -> None:
    query = """
    query($first: Int!, $after: String) { _entities(representations: [{__typename: "User", id: "user-2"}]) {
      ... on User { reviews(first: $first, after: $after) {
        edges { node { id } } pageInfo { hasNextPage endCursor } } } } }
    """
    async with system_factory("reviews") as system:
        page1 = (await system.graphql("reviews", query, {"first": 1}))["data"]["_entities"][0]["reviews"]
        page2 = (
            await system.graphql("reviews", query, {"first": 1, "after": page1["pageInfo"]["endCursor"]})
        )["data"]["_entities"][0]["reviews"]
    assert [edge["node"]["id"] for edge in page1["edges"]] == ["review-2"]
    assert page1["pageInfo"]["hasNextPage"] is True
    assert [edge["node"]["id"] for edge in page2["edges"]] == ["review-1"]
    assert page2["pageInfo"]["hasNextPage"] is False


async def test_page_size_over_100_and_bad_cursors_are_bad_user_input(system_factory) -> None:
    async with system_factory("reviews") as system:
        big = await system.graphql(
            "reviews", PRODUCT_REVIEWS, {"representations": products("product-1"), "first": 101}
        )
        bad = await system.graphql(
            "reviews", PRODUCT_REVIEWS, {"representations": products("product-1"), "after": "not-a-cursor"}
        )
    assert code(big) == code(bad) == "BAD_USER_INPUT"
    assert error(big)["path"] == ["_entities", 0, "reviews"]


async def test_review_entities_resolve_and_unknown_ids_are_null(system_factory) -> None:
    query = """
    query($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Review { id rating body createdAt author { id } product { id } } } }
    """
    representations = [
        {"__typename": "Review", "id": "review-3"},
        {"__typename": "Review", "id": "review-404"},
    ]
    async with system_factory("reviews") as system:
        body = await system.graphql("reviews", query, {"representations": representations})
    assert "errors" not in body
    assert body["data"]["_entities"] == [
        {
            "id": "review-3",
            "rating": 3,
            "body": "Solid, though denser than I hoped.",
            "createdAt": "2026-01-22T12:30:00+00:00",
            "author": {"id": "user-3"},
            "product": {"id": "product-2"},
        },
        None,
    ]


async def test_the_review_query_reads_one_review_publicly(system_factory) -> None:
    async with system_factory("reviews") as system:
        found = await system.graphql("reviews", '{ review(id: "review-1") { id rating } }')
        missing = await system.graphql("reviews", '{ review(id: "review-9") { id } }')
    assert found == {"data": {"review": {"id": "review-1", "rating": 5}}}
    assert missing == {"data": {"review": None}}


async def test_one_hundred_review_representations_cost_exactly_one_select(system_factory) -> None:
    query = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Review { id rating } } }"
    representations = [{"__typename": "Review", "id": f"review-{n % 4 + 1}"} for n in range(100)]
    async with system_factory("reviews") as system:
        with system.count_queries("reviews") as statements:
            body = await system.graphql("reviews", query, {"r": representations})
    assert len(body["data"]["_entities"]) == 100
    assert body["data"]["_entities"][3] is None
    assert len(selects(statements)) == 1, statements


async def test_reviews_and_ratings_of_one_hundred_products_cost_one_select_each(system_factory) -> None:
    representations = products(*(f"product-{n % 12 + 1}" for n in range(100)))
    async with system_factory("reviews") as system:
        with system.count_queries("reviews") as statements:
            body = await system.graphql("reviews", PRODUCT_REVIEWS, {"representations": representations})
    assert "errors" not in body
    ratings = {entity["id"]: entity["averageRating"] for entity in body["data"]["_entities"]}
    assert ratings["product-1"] == 5.0 and ratings["product-3"] == 4.0 and ratings["product-12"] is None
    assert len(selects(statements)) == 2, statements  # one for the pages, one for the averages


async def test_product_and_user_stubs_resolve_without_touching_the_database(system_factory) -> None:
    query = (
        "query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id } ... on User { id } } }"
    )
    representations = [{"__typename": "Product", "id": "product-99"}, {"__typename": "User", "id": "user-99"}]
    async with system_factory("reviews") as system:
        with system.count_queries("reviews") as statements:
            body = await system.graphql("reviews", query, {"r": representations})
    assert body["data"]["_entities"] == [{"id": "product-99"}, {"id": "user-99"}]
    assert statements == []


async def test_the_average_rating_is_rounded_to_two_decimals(system_factory) -> None:
    async with system_factory("reviews") as system:
        async with system.apps["reviews"].state.database.engine.begin() as conn:
            for n, rating in enumerate((4, 4, 5), start=1):
                await conn.execute(
                    text(
                        "INSERT INTO reviews (id, user_id, product_id, rating, body, created_at) "
                        "VALUES (:id, :user, 'product-4', :rating, 'ok', CURRENT_TIMESTAMP)"
                    ),
                    {"id": f"review-x{n}", "user": f"user-x{n}", "rating": rating},
                )
        body = await system.graphql("reviews", PRODUCT_REVIEWS, {"representations": products("product-4")})
    assert body["data"]["_entities"][0]["averageRating"] == 4.33
