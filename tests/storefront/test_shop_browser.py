"""The shop at /shop in a real browser, against the whole system (``supergraph dev``).

A new customer signs up, browses a category and the pages of the catalogue, opens a product (one
GraphQL operation the router plans across products, inventory, reviews and users, with the reviews
deferred: the response streams as multipart/mixed), is told in words
when an order asks for more than is in stock, orders, and sees the order with its status. The order's
notification is checked once the notifications subgraph is in the supergraph; without it the
notifications page must say it is not available. Two tests run a second router: one whose reviews
subgraph answers only when the test lets it (the product page shows the product while the reviews
are loading, then the reviews), one whose reviews subgraph is down (a note where the reviews would be).

Headless Debian Chromium through Playwright (never ``playwright install``). Locally a missing
Chromium or an unbuilt storefront skips with the reason; under CI a missing Chromium fails and a
missing build is built (npm ci && npm run build). Screenshots go to the test's ``tmp_path``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from router.server._storefront import ensure_storefront_built, storefront_routes
from router.supergraph import load_supergraph

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Response, Route

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SUPERGRAPH = ROOT / "schema" / "supergraph.graphql"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROUTER = "http://127.0.0.1:4000"
START_TIMEOUT_SECONDS = 45
WAIT_MS = 15_000
PASSWORD = "shopper-password-1"
REVIEWS_SUBGRAPH = "http://127.0.0.1:4005/graphql"  # as `supergraph dev` runs it (schema/supergraph.graphql)


def unavailable(message: str) -> None:
    """Skip locally, fail under CI (where .ci/run provides everything the test needs)."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@cache
def notifications_in_schema() -> bool:
    user = load_supergraph(SUPERGRAPH.read_text()).api_schema.get_type("User")
    return "unreadNotificationCount" in getattr(user, "fields", {})


@dataclass(frozen=True, slots=True)
class Shop:
    url: str
    dist: Path


@pytest.fixture(scope="module")
def storefront_dist() -> Path:
    if not os.path.exists(CHROMIUM):
        unavailable(f"Debian chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    dist = ROOT / "storefront" / "dist"
    if (dist / "index.html").is_file():
        return dist
    if not os.environ.get("CI"):
        pytest.skip("the storefront is not built: run `npm ci && npm run build` in storefront/")
    built = ensure_storefront_built(ROOT)
    if built is None:
        pytest.fail("the storefront could not be built (npm ci && npm run build in storefront/): see the log")
    return built


@pytest.fixture(scope="module")
def shop(storefront_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    """``supergraph dev`` on a fresh data directory, stopped with SIGINT (as Ctrl-C would)."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 4000)) == 0:
            unavailable("port 4000 is in use: stop the running router (`supergraph dev`) first")
    workdir = tmp_path_factory.mktemp("shop")
    log_path = workdir / "supergraph-dev.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "supergraph"), "dev", "--log-level", "warning"],
            cwd=ROOT,
            env={**os.environ, "DATA_DIR": str(workdir / "data")},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_live(process, log_path)
        index = httpx.get(f"{ROUTER}/shop/", timeout=5)
        if index.status_code != 200 or '<div id="root">' not in index.text:
            unavailable(
                f"the router does not serve the storefront at /shop/ (HTTP {index.status_code}): wire "
                "router.server._storefront.storefront_routes into create_app (see the storefront report)"
            )
        yield Shop(url=f"{ROUTER}/shop/", dist=storefront_dist)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_live(process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"supergraph dev exited with {process.returncode}:\n{_tail(log_path)}")
        try:
            if httpx.get(f"{ROUTER}/health/live", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    pytest.fail(f"supergraph dev was not live within {START_TIMEOUT_SECONDS}s:\n{_tail(log_path)}")


def _tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="module")
def browser(storefront_dist: Path) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser, tmp_path: Path) -> Iterator[Page]:
    """A fresh browser context (empty storage) per test; its last screen is saved as ``last.png``
    (the state a failure left behind)."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.set_default_timeout(WAIT_MS)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield opened
    finally:
        screenshot(opened, tmp_path, "last")
        context.close()
    assert errors == [], f"errors in the page: {errors}"


def screenshot(page: Page, tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")


def graphql_operations(page: Page) -> list[str]:
    """Record the operation name of every GraphQL request the page sends from now on."""
    names: list[str] = []

    def record(request: Any) -> None:
        if request.url.endswith("/graphql") and request.method == "POST":
            names.append((request.post_data_json or {}).get("operationName") or "")

    page.on("request", record)
    return names


def graphql_response_to(name: str) -> Any:
    """A ``page.expect_response`` predicate: the response to the GraphQL operation ``name``."""

    def matches(response: Response) -> bool:
        request = response.request
        return (
            request.url.endswith("/graphql")
            and request.method == "POST"
            and (request.post_data_json or {}).get("operationName") == name
        )

    return matches


def sign_up(page: Page, shop: Shop, *, name: str, email: str) -> None:
    page.goto(f"{shop.url}signup")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password (at least 10 characters)").fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_test_id("signed-in-as").get_by_text(name).wait_for()


def test_a_new_customer_signs_up_browses_orders_and_sees_the_order(
    shop: Shop, page: Page, tmp_path: Path
) -> None:
    operations = graphql_operations(page)
    name = "Grace Hopper"
    sign_up(page, shop, name=name, email=f"grace-{uuid.uuid4().hex[:8]}@example.com")

    # The catalogue: pages of 6, continued by cursor; the category filter narrows it.
    products = page.get_by_test_id("product-list")
    products.get_by_role("link").first.wait_for()
    first_page = products.get_by_role("link").all_inner_texts()
    with page.expect_response(graphql_response_to("Products")) as products_response:
        page.get_by_role("button", name="Next →").click()
    # An operation without @defer gets one JSON response, though the app accepts multipart too.
    assert products_response.value.headers["content-type"].startswith("application/graphql-response+json")
    page.get_by_test_id("page-number").get_by_text("Page 2").wait_for()
    page.wait_for_function(
        "first => document.querySelector('[data-testid=product-list] a')?.textContent !== first",
        arg=first_page[0],
    )
    second_page = products.get_by_role("link").all_inner_texts()
    assert len(first_page) == 6 and second_page and not set(first_page) & set(second_page)
    page.get_by_test_id("category-filter").select_option("books")
    page.wait_for_url("**/shop/?category=books")
    page.wait_for_function(
        "() => { const c = [...document.querySelectorAll('[data-testid=product-list] .card .muted')];"
        " return c.length > 0 && c.every(e => e.textContent === 'books'); }"
    )
    screenshot(page, tmp_path, "01-books")

    # The product page: one operation across products, inventory, reviews and users, the reviews
    # deferred, so the router streams the answer (multipart/mixed) and the page reads it as it comes.
    before = len(operations)
    with page.expect_response(graphql_response_to("Product")) as product_response:
        products.get_by_role("link", name="The Pragmatic Programmer").click()
    response = product_response.value
    assert "multipart/mixed;deferSpec=20220824" in response.request.all_headers()["accept"]
    assert response.headers["content-type"].startswith("multipart/mixed")
    assert "deferSpec=20220824" in response.headers["content-type"]
    product = page.get_by_test_id("product")
    product.get_by_role("heading", name="The Pragmatic Programmer").wait_for()
    assert product.get_by_test_id("price").inner_text() == "$42.99"
    assert product.get_by_test_id("stock").inner_text() == "In stock (10 left)"
    assert product.get_by_test_id("shipping").inner_text() == "Shipping: $5.99"
    product.get_by_test_id("reviews").locator(".author").first.wait_for()
    assert "Alice Liddell" in product.get_by_test_id("reviews").locator(".author").all_inner_texts()
    assert product.get_by_test_id("reviews-loading").count() == 0
    assert operations[before:].count("Product") == 1
    assert page.url.endswith("/shop/products/product-1")
    screenshot(page, tmp_path, "02-product")

    # A reload of a client-side route is served index.html by the router (SPA fallback).
    page.reload()
    product.get_by_role("heading", name="The Pragmatic Programmer").wait_for()

    # More than is in stock (the product page caps the quantity, the cart does not): the order is
    # refused, in words (CONFLICT).
    product.get_by_role("button", name="Add to cart").click()
    page.get_by_test_id("cart-link").click()
    page.get_by_label("Quantity of The Pragmatic Programmer").fill("11")
    page.get_by_test_id("place-order").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "not in stock in the quantity you asked for" in alert.inner_text()
    assert "requested 11, available 10" in alert.inner_text()
    screenshot(page, tmp_path, "03-out-of-stock")

    page.get_by_label("Quantity of The Pragmatic Programmer").fill("2")
    page.get_by_test_id("place-order").click()
    page.wait_for_url("**/shop/orders?placed=*")
    page.get_by_role("status").get_by_text("was placed").wait_for()
    order = page.get_by_test_id("order").first
    order.wait_for()
    assert order.get_by_test_id("status").inner_text() == "PENDING"
    assert "2 \u00d7 The Pragmatic Programmer" in order.inner_text()
    assert "$85.98" in order.inner_text()
    assert page.get_by_test_id("cart-link").inner_text() == "Cart"
    screenshot(page, tmp_path, "04-orders")

    # The stock the product page shows now is what the order left.
    order.get_by_role("link", name="The Pragmatic Programmer").click()
    product.get_by_test_id("stock").get_by_text("In stock (8 left)").wait_for()


def test_signed_out_checkout_asks_to_sign_in(shop: Shop, page: Page) -> None:
    page.goto(f"{shop.url}products/product-2")
    page.get_by_role("button", name="Add to cart").click()
    page.goto(f"{shop.url}cart")
    page.get_by_text("to place your order").wait_for()
    page.goto(f"{shop.url}orders")
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "not signed in" in alert.inner_text()


def test_the_order_notification_shows_with_the_unread_count(shop: Shop, page: Page, tmp_path: Path) -> None:
    if not notifications_in_schema():
        pytest.skip(
            "User.unreadNotificationCount is not in schema/supergraph.graphql yet (notifications "
            "subgraph): the order notification step is skipped"
        )
    sign_up(page, shop, name="Ada Lovelace", email=f"ada-{uuid.uuid4().hex[:8]}@example.com")
    page.goto(f"{shop.url}products/product-3")
    page.get_by_role("button", name="Add to cart").click()
    page.get_by_test_id("cart-link").click()
    page.get_by_test_id("place-order").click()
    page.wait_for_url("**/shop/orders?placed=*")
    order_id = page.url.rsplit("=", 1)[-1]

    # The notification arrives through events (outbox -> bus -> notifications): refresh until it shows.
    page.get_by_test_id("notifications-link").click()
    notifications = page.get_by_test_id("notifications")
    deadline = time.monotonic() + 15
    while order_id not in notifications.inner_text():
        assert time.monotonic() < deadline, "no notification about the order within 15 s"
        page.get_by_role("button", name="Refresh").click()
        page.wait_for_timeout(500)
    unread = page.get_by_test_id("unread-count")
    unread.wait_for()
    assert int(unread.inner_text()) >= 1
    screenshot(page, tmp_path, "05-notifications")


def test_the_notifications_page_says_so_when_the_api_has_no_notifications(shop: Shop, page: Page) -> None:
    """Before the notifications subgraph is in the supergraph the router rejects the page's
    operations as invalid (GRAPHQL_VALIDATION_FAILED). Without it, the router's own answer is used;
    with it, the browser is given the answer such a router sends."""
    if notifications_in_schema():

        def without_notifications(route: Route) -> None:
            name = (route.request.post_data_json or {}).get("operationName")
            if name not in ("Notifications", "UnreadCount"):
                route.fallback()
                return
            route.fulfill(
                status=400,
                content_type="application/graphql-response+json",
                body=json.dumps(
                    {
                        "errors": [
                            {
                                "message": "Cannot query field 'unreadNotificationCount' on type 'User'.",
                                "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
                            }
                        ]
                    }
                ),
            )

        page.route("**/graphql", without_notifications)
    sign_up(page, shop, name="Ada Lovelace", email=f"ada-{uuid.uuid4().hex[:8]}@example.com")
    page.get_by_test_id("notifications-link").click()
    message = page.get_by_test_id("notifications-unavailable")
    message.wait_for()
    assert message.inner_text() == "Notifications are not available in this shop yet."
    assert page.get_by_test_id("unread-count").count() == 0


@contextmanager
def second_router(shop: Shop, *, reviews_url: str) -> Iterator[str]:
    """A second router in this process, with the storefront routes, whose reviews subgraph is at
    ``reviews_url`` (the other subgraphs are those of ``supergraph dev``); yields its base URL."""
    import uvicorn

    from router.server import RouterSettings, create_app

    app = create_app(
        supergraph_path=SUPERGRAPH,
        settings=RouterSettings(),
        subgraph_urls={"reviews": reviews_url},
    )
    app.router.routes.extend(storefront_routes(shop.dist))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline, "the second router did not start"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def gated_reviews_subgraph() -> Iterator[tuple[str, threading.Event]]:
    """A proxy to the reviews subgraph that holds every request until the event is set; yields its
    URL and the event."""
    gate = threading.Event()

    class Gated(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            gate.wait(timeout=WAIT_MS / 1000)
            answer = httpx.post(
                REVIEWS_SUBGRAPH,
                content=body,
                headers={"content-type": self.headers.get("content-type") or "application/json"},
                timeout=10,
            )
            try:
                self.send_response(answer.status_code)
                self.send_header("content-type", answer.headers.get("content-type", "application/json"))
                self.send_header("content-length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the router gave up waiting (its subgraph timeout): nobody to answer

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Gated)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/graphql", gate
    finally:
        gate.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_the_product_page_shows_the_product_first_and_the_reviews_when_they_arrive(
    shop: Shop, page: Page, tmp_path: Path
) -> None:
    """The reviews are deferred: while the reviews subgraph has not answered, the product, its price
    and stock are on the page with a placeholder for the reviews; then the reviews replace it."""
    with gated_reviews_subgraph() as (reviews_url, gate), second_router(shop, reviews_url=reviews_url) as url:
        with page.expect_response(graphql_response_to("Product")) as product_response:
            page.goto(f"{url}/shop/products/product-1")
        # The headers are in before the deferred part: the router streams.
        assert product_response.value.headers["content-type"].startswith("multipart/mixed")
        product = page.get_by_test_id("product")
        product.get_by_role("heading", name="The Pragmatic Programmer").wait_for()
        loading = product.get_by_test_id("reviews-loading")
        loading.wait_for()
        assert "Loading reviews…" in loading.inner_text()
        assert product.get_by_test_id("price").inner_text() == "$42.99"
        assert product.get_by_test_id("stock").inner_text().startswith("In stock")
        assert product.get_by_test_id("reviews").count() == 0
        screenshot(page, tmp_path, "06-reviews-loading")

        gate.set()
        authors = product.get_by_test_id("reviews").locator(".author")
        authors.first.wait_for()
        assert "Alice Liddell" in authors.all_inner_texts()
        assert loading.count() == 0
        screenshot(page, tmp_path, "07-reviews-arrived")


def test_the_product_page_renders_without_the_reviews_subgraph(
    shop: Shop, page: Page, tmp_path: Path
) -> None:
    """A second router whose reviews subgraph is unreachable: the product page shows everything
    else and a note where the reviews would be."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = sock.getsockname()[1]  # nothing listens here once the socket is closed
    with second_router(shop, reviews_url=f"http://127.0.0.1:{dead}/graphql") as url:
        page.goto(f"{url}/shop/products/product-1")
        product = page.get_by_test_id("product")
        product.get_by_role("heading", name="The Pragmatic Programmer").wait_for()
        note = product.get_by_role("status").filter(has_text="Reviews can't be shown right now")
        note.wait_for()
        assert product.get_by_test_id("price").inner_text() == "$42.99"
        assert product.get_by_test_id("stock").inner_text().startswith("In stock")
        screenshot(page, tmp_path, "08-reviews-down")
