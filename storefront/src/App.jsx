import { useEffect, useMemo, useRef } from "react";
import { Provider, useMutation, useQuery } from "urql";
import { makeClient } from "./client.js";
import { hasCode } from "./errors.jsx";
import { ops } from "./operations.js";
import { Cart } from "./pages/Cart.jsx";
import { Notifications } from "./pages/Notifications.jsx";
import { Orders } from "./pages/Orders.jsx";
import { ProductList } from "./pages/ProductList.jsx";
import { ProductPage } from "./pages/ProductPage.jsx";
import { SignIn, SignUp } from "./pages/Account.jsx";
import { Link, navigate, useLocation } from "./router.jsx";
import { session, useCart, useSession } from "./store.js";

export function App() {
  const current = useSession();
  const userId = current?.user.id ?? null;
  // A new client (and an empty cache) whenever the signed-in user changes.
  const client = useMemo(() => makeClient(), [userId]);
  return (
    <Provider value={client}>
      <Header />
      <main>
        <Page />
      </main>
    </Provider>
  );
}

function Page() {
  const { path } = useLocation();
  const product = path.match(/^\/products\/([^/]+)$/);
  if (path === "/") return <ProductList />;
  if (product) return <ProductPage id={decodeURIComponent(product[1])} />;
  if (path === "/cart") return <Cart />;
  if (path === "/orders") return <Orders />;
  if (path === "/notifications") return <Notifications />;
  if (path === "/signin") return <SignIn />;
  if (path === "/signup") return <SignUp />;
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        <Link to="/">Back to the shop</Link>
      </p>
    </section>
  );
}

function Header() {
  const current = useSession();
  const items = useCart();
  const count = items.reduce((sum, item) => sum + item.quantity, 0);
  const [, logout] = useMutation(ops.Logout);
  function signOut() {
    const refreshToken = current.refreshToken;
    session.set(null);
    logout({ refreshToken }); // best effort: the token also expires on its own
    navigate("/");
  }
  return (
    <header className="top">
      <Link to="/" className="brand">
        Supergraph Shop
      </Link>
      <nav>
        <Link to="/">Products</Link>
        <Link to="/cart" data-testid="cart-link">
          Cart{count ? ` (${count})` : ""}
        </Link>
        {current ? (
          <>
            <Link to="/orders">My orders</Link>
            <Link to="/notifications" data-testid="notifications-link">
              Notifications <UnreadBadge />
            </Link>
            <span className="who" data-testid="signed-in-as">
              {current.user.name}
            </span>
            <button type="button" className="link" onClick={signOut}>
              Sign out
            </button>
          </>
        ) : (
          <>
            <Link to="/signin">Sign in</Link>
            <Link to="/signup">Sign up</Link>
          </>
        )}
      </nav>
    </header>
  );
}

/** The unread count; nothing while the notifications subgraph is not in the supergraph yet. */
function UnreadBadge() {
  const { path } = useLocation();
  const [{ data, error }, refetch] = useQuery({
    query: ops.UnreadCount,
    requestPolicy: "cache-and-network",
  });
  const unavailable = hasCode(error, "GRAPHQL_VALIDATION_FAILED");
  // Notifications arrive on their own (events): look again on every later page change.
  const shownAt = useRef(path);
  useEffect(() => {
    if (path !== shownAt.current && !unavailable) refetch({ requestPolicy: "network-only" });
    shownAt.current = path;
  }, [path, unavailable, refetch]);
  if (unavailable) return null;
  const unread = data?.me?.unreadNotificationCount;
  return unread ? (
    <span className="badge" data-testid="unread-count">
      {unread}
    </span>
  ) : null;
}
