"""With the entity caches on (products, inventory stock), writes through the router are never
followed by a stale read through the router: the product page shows the new price and stock."""

from __future__ import annotations

from pathlib import Path

from ..subgraphs.entity_cache import redis_namespace
from .conftest import running_shop

PRODUCT_PAGE = '{ product(id: "product-2") { name price { amount } quantity inStock } }'


async def test_an_order_and_a_price_change_through_the_router_show_on_the_next_product_page(
    tmp_path: Path,
) -> None:
    async with redis_namespace() as cache_settings, running_shop(tmp_path, **cache_settings) as shop:
        first = await shop.query(PRODUCT_PAGE)
        cached = await shop.query(PRODUCT_PAGE)
        placed = await shop.query(
            'mutation { placeOrder(items: [{productId: "product-2", quantity: 3}]) { id } }', user="user-3"
        )
        after_order = await shop.query(PRODUCT_PAGE)
        repriced = await shop.query(
            'mutation { updateProduct(id: "product-2", input: {price: {amount: 3999}}) { id } }',
            user="user-1",
            role="admin",
        )
        after_price = await shop.query(PRODUCT_PAGE)
        hits = {name: shop.system.apps[name].state.cache.stats().hits for name in ("products", "inventory")}
    page = {"name": "Designing Data-Intensive Applications", "price": {"amount": 4999}, "quantity": 20}
    assert first == cached == {"data": {"product": {**page, "inStock": True}}}
    assert "errors" not in placed and "errors" not in repriced, (placed, repriced)
    assert after_order == {"data": {"product": {**page, "quantity": 17, "inStock": True}}}
    assert after_price == {
        "data": {"product": {**page, "price": {"amount": 3999}, "quantity": 17, "inStock": True}}
    }
    assert hits["products"] >= 1 and hits["inventory"] >= 1
