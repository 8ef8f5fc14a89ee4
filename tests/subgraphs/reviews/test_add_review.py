"""``addReview``: signed-in buyers only, valid input, one review per user and product."""

from __future__ import annotations

import asyncio

import pytest

from .testkit import ADD_REVIEW, PRODUCT_REVIEWS, code, error, products


def review(
    product_id: str = "product-5", rating: int = 4, body: str = "Clacky and solid."
) -> dict[str, object]:
    return {"productId": product_id, "rating": rating, "body": body}


async def test_a_buyer_reviews_a_product_and_the_average_moves(system_factory) -> None:
    async with system_factory("reviews", "orders") as system:
        body = await system.graphql(
            "reviews", ADD_REVIEW, review("product-5", 4, "  Clacky and solid.  "), user="user-2"
        )
        assert "errors" not in body, body
        added = body["data"]["addReview"]
        assert added["id"].startswith("review-")
        assert (added["rating"], added["body"]) == (4, "Clacky and solid.")
        assert added["author"] == {"id": "user-2"} and added["product"] == {"id": "product-5"}
        listed = await system.graphql("reviews", PRODUCT_REVIEWS, {"representations": products("product-5")})
    entity = listed["data"]["_entities"][0]
    assert entity["averageRating"] == 4.0
    assert [edge["node"]["id"] for edge in entity["reviews"]["edges"]] == [added["id"]]


async def test_someone_who_did_not_buy_the_product_is_forbidden(system_factory) -> None:
    async with system_factory("reviews", "orders") as system:
        body = await system.graphql("reviews", ADD_REVIEW, review("product-2"), user="user-2")
    assert code(body) == "FORBIDDEN"
    assert error(body)["message"] == "Only customers who bought product product-2 can review it."


async def test_a_cancelled_purchase_does_not_allow_a_review(system_factory) -> None:
    async with system_factory("reviews", "orders", "inventory") as system:
        cancelled = await system.graphql(
            "orders", 'mutation { cancelOrder(id: "order-3") { status } }', user="user-2"
        )
        assert cancelled["data"]["cancelOrder"]["status"] == "CANCELLED"
        body = await system.graphql("reviews", ADD_REVIEW, review("product-5"), user="user-2")
    assert code(body) == "FORBIDDEN"


async def test_a_second_review_of_the_same_product_is_a_conflict(system_factory) -> None:
    async with system_factory("reviews", "orders") as system:
        body = await system.graphql("reviews", ADD_REVIEW, review("product-1"), user="user-2")
    assert code(body) == "CONFLICT"
    assert error(body)["message"] == "You already reviewed product product-1."


async def test_concurrent_reviews_of_one_product_by_one_user_store_exactly_one(system_factory) -> None:
    async with system_factory("reviews", "orders") as system:
        bodies = await asyncio.gather(
            *(system.graphql("reviews", ADD_REVIEW, review("product-5", 3), user="user-2") for _ in range(5))
        )
        listed = await system.graphql("reviews", PRODUCT_REVIEWS, {"representations": products("product-5")})
    assert sum("errors" not in body for body in bodies) == 1
    assert sorted(code(body) for body in bodies if "errors" in body) == ["CONFLICT"] * 4
    assert len(listed["data"]["_entities"][0]["reviews"]["edges"]) == 1


@pytest.mark.parametrize(
    ("variables", "fragment"),
    [
        (review(rating=0), "between 1 and 5, got 0"),
        (review(rating=6), "between 1 and 5, got 6"),
        (review(body=""), "body must not be empty"),
        (review(body="   \n "), "body must not be empty"),
        (review(body="x" * 5001), "at most 5000"),
    ],
)
async def test_invalid_rating_or_body_is_bad_user_input_without_asking_orders(
    system_factory, variables: dict[str, object], fragment: str
) -> None:
    async with system_factory("reviews") as system:
        body = await system.graphql("reviews", ADD_REVIEW, variables, user="user-2")
    assert code(body) == "BAD_USER_INPUT"
    assert fragment in error(body)["message"]
    assert [r for r in system.transport.requests if r.url.path.startswith("/internal/")] == []


async def test_reviewing_requires_signing_in(system_factory) -> None:
    async with system_factory("reviews") as system:
        body = await system.graphql("reviews", ADD_REVIEW, review())
    assert code(body) == "UNAUTHENTICATED"


async def test_reviewing_while_orders_is_down_is_service_unavailable_and_stores_nothing(
    system_factory,
) -> None:
    async with system_factory("reviews") as system:
        body = await system.graphql("reviews", ADD_REVIEW, review("product-5"), user="user-2")
        listed = await system.graphql("reviews", PRODUCT_REVIEWS, {"representations": products("product-5")})
    assert code(body) == "SERVICE_UNAVAILABLE"
    assert "orders" in error(body)["message"]
    assert listed["data"]["_entities"][0]["reviews"]["edges"] == []
