import { useMutation, useQuery } from "urql";
import { ErrorMessage, Missing, missingAt } from "../errors.jsx";
import { formatDate, formatMoney } from "../format.js";
import { ops } from "../operations.js";
import { Link, useLocation } from "../router.jsx";

export function Orders() {
  const { params } = useLocation();
  const placed = params.get("placed");
  const [{ data, fetching, error }] = useQuery({
    query: ops.MyOrders,
    variables: { first: 20 },
    requestPolicy: "cache-and-network",
  });
  const [cancelState, cancel] = useMutation(ops.CancelOrder);
  const me = data?.me;
  return (
    <section>
      <h1>My orders</h1>
      {placed && (
        <p className="ok" role="status">
          Thank you! Your order {placed} was placed.
        </p>
      )}
      {!me && (fetching ? <p>Loading…</p> : <ErrorMessage error={error} />)}
      {me && !me.orders && missingAt(error, ["me", "orders"]) && <Missing what="Your orders" />}
      <ErrorMessage error={cancelState.error} />
      {me?.orders?.edges.length === 0 && (
        <p>
          No orders yet. <Link to="/">Find something you like</Link>
        </p>
      )}
      <ul className="orders" data-testid="orders">
        {me?.orders?.edges.map(({ node: order }) => (
          <li key={order.id} className="card" data-testid="order">
            <div className="row">
              <strong>{order.id}</strong>
              <span className={`status status-${order.status.toLowerCase()}`} data-testid="status">
                {order.status}
              </span>
              <span className="muted">{formatDate(order.createdAt)}</span>
              <span className="price">{formatMoney(order.total)}</span>
            </div>
            <ul>
              {order.items.map((item, index) => (
                <li key={index}>
                  {item.quantity} ×{" "}
                  {item.product ? (
                    <Link to={`/products/${encodeURIComponent(item.product.id)}`}>
                      {item.product.name}
                    </Link>
                  ) : (
                    "a product"
                  )}{" "}
                  at {formatMoney(item.unitPrice)}
                </li>
              ))}
            </ul>
            {(order.status === "PENDING" || order.status === "CONFIRMED") && (
              <button
                type="button"
                className="link"
                disabled={cancelState.fetching}
                onClick={() => cancel({ id: order.id })}
              >
                Cancel order
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
