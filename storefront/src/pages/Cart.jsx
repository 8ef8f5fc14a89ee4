import { useMutation } from "urql";
import { ErrorMessage } from "../errors.jsx";
import { formatMoney } from "../format.js";
import { ops } from "../operations.js";
import { Link, navigate } from "../router.jsx";
import { cart, setCartQuantity, useCart, useSession } from "../store.js";

export function Cart() {
  const items = useCart();
  const signedIn = Boolean(useSession());
  const [{ fetching, error }, placeOrder] = useMutation(ops.PlaceOrder);
  if (items.length === 0) {
    return (
      <section>
        <h1>Cart</h1>
        <p>
          Your cart is empty. <Link to="/">Browse the products</Link>
        </p>
      </section>
    );
  }
  const currency = items[0].price.currency;
  const total = items.reduce((sum, item) => sum + item.quantity * item.price.amount, 0);
  async function checkout() {
    const result = await placeOrder({
      items: items.map(({ productId, quantity }) => ({ productId, quantity })),
    });
    const order = result.data?.placeOrder;
    if (order) {
      cart.set([]);
      navigate(`/orders?placed=${encodeURIComponent(order.id)}`);
    }
  }
  return (
    <section>
      <h1>Cart</h1>
      <table className="lines" data-testid="cart">
        <thead>
          <tr>
            <th>Product</th>
            <th>Unit price</th>
            <th>Quantity</th>
            <th>Subtotal</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.productId}>
              <td>
                <Link to={`/products/${encodeURIComponent(item.productId)}`}>{item.name}</Link>
              </td>
              <td>{formatMoney(item.price)}</td>
              <td>
                <input
                  type="number"
                  min="0"
                  max="100"
                  aria-label={`Quantity of ${item.name}`}
                  value={item.quantity}
                  onChange={(event) =>
                    setCartQuantity(item.productId, Math.max(0, Number(event.target.value) || 0))
                  }
                />
              </td>
              <td>{formatMoney({ amount: item.quantity * item.price.amount, currency })}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="total">
        Total (prices are confirmed when you order): {formatMoney({ amount: total, currency })}
      </p>
      {signedIn ? (
        <button type="button" onClick={checkout} disabled={fetching} data-testid="place-order">
          Place order
        </button>
      ) : (
        <p>
          <Link to="/signin?next=/cart">Sign in</Link> or <Link to="/signup?next=/cart">sign up</Link>{" "}
          to place your order.
        </p>
      )}
      <ErrorMessage
        error={error}
        conflict="Some items are not in stock in the quantity you asked for."
      />
    </section>
  );
}
