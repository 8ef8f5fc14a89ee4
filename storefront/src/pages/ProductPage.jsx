import { useState } from "react";
import { useQuery } from "urql";
import { ErrorMessage, Missing, missingAt } from "../errors.jsx";
import { formatCents, formatDate, formatMoney } from "../format.js";
import { ops } from "../operations.js";
import { Link } from "../router.jsx";
import { addToCart } from "../store.js";
import { Stock } from "./ProductList.jsx";

export function ProductPage({ id }) {
  // The reviews are deferred (product.graphql): `hasNext` says they are still on their way.
  const [{ data, fetching, hasNext, error }] = useQuery({ query: ops.Product, variables: { id } });
  const product = data?.product;
  if (!product) {
    if (fetching) return <p>Loading…</p>;
    if (error) return <ErrorMessage error={error} />;
    return (
      <section>
        <h1>No such product</h1>
        <Link to="/">Back to the products</Link>
      </section>
    );
  }
  const stockMissing = product.inStock == null && missingAt(error, ["product", "inStock"]);
  const shippingMissing =
    product.shippingEstimate == null && missingAt(error, ["product", "shippingEstimate"]);
  return (
    <article className="product" data-testid="product">
      <p className="muted">
        <Link to={`/?category=${encodeURIComponent(product.category)}`}>{product.category}</Link> ·
        SKU {product.sku}
      </p>
      <h1>{product.name}</h1>
      <p>{product.description}</p>
      <p className="price" data-testid="price">
        {formatMoney(product.price)}
      </p>
      {stockMissing ? (
        <Missing what="Stock" />
      ) : (
        <p data-testid="stock">
          <Stock inStock={product.inStock} quantity={product.quantity} />
        </p>
      )}
      {shippingMissing ? (
        <Missing what="The shipping estimate" />
      ) : (
        product.shippingEstimate != null && (
          <p data-testid="shipping">
            Shipping:{" "}
            {product.shippingEstimate === 0 ? "free" : formatCents(product.shippingEstimate)}
          </p>
        )
      )}
      <AddToCart product={product} />
      <Reviews product={product} pending={hasNext || fetching} error={error} />
    </article>
  );
}

function AddToCart({ product }) {
  const [quantity, setQuantity] = useState(1);
  const [added, setAdded] = useState(false);
  const max = product.quantity ?? 100;
  return (
    <form
      className="buy"
      onSubmit={(event) => {
        event.preventDefault();
        addToCart(product, quantity);
        setAdded(true);
      }}
    >
      <label>
        Quantity{" "}
        <input
          type="number"
          min="1"
          max={Math.max(1, Math.min(100, max))}
          value={quantity}
          onChange={(event) => setQuantity(Math.max(1, Number(event.target.value) || 1))}
        />
      </label>
      <button type="submit" disabled={product.inStock === false}>
        Add to cart
      </button>
      {added && (
        <span role="status">
          Added. <Link to="/cart">Go to the cart</Link>
        </span>
      )}
    </form>
  );
}

function Reviews({ product, pending, error }) {
  // Until the deferred part arrives the cache has no `reviews` field at all (undefined); a null
  // one arrived and failed.
  if (product.reviews === undefined && pending) {
    return (
      <section data-testid="reviews-loading" aria-busy="true">
        <h2>Reviews</h2>
        <p className="muted">Loading reviews…</p>
      </section>
    );
  }
  if (product.reviews == null && missingAt(error, ["product", "reviews"])) {
    return (
      <section>
        <h2>Reviews</h2>
        <Missing what="Reviews" />
      </section>
    );
  }
  const edges = product.reviews?.edges ?? [];
  return (
    <section data-testid="reviews">
      <h2>
        Reviews
        {product.averageRating != null && edges.length > 0 && (
          <span className="muted"> · {product.averageRating.toFixed(1)} / 5</span>
        )}
      </h2>
      {edges.length === 0 && <p className="muted">No reviews yet.</p>}
      <ul className="reviews">
        {edges.map(({ node }) => (
          <li key={node.id}>
            <span className="stars" aria-label={`${node.rating} out of 5`}>
              {"★".repeat(node.rating)}
              {"☆".repeat(5 - node.rating)}
            </span>{" "}
            <strong className="author">{node.author?.name ?? "someone"}</strong>{" "}
            <span className="muted">{formatDate(node.createdAt)}</span>
            <p>{node.body}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
