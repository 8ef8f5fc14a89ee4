import { useState } from "react";
import { useQuery } from "urql";
import { ErrorMessage, Missing, missingAt } from "../errors.jsx";
import { formatMoney } from "../format.js";
import { ops } from "../operations.js";
import { Link, navigate, useLocation } from "../router.jsx";

const PAGE_SIZE = 6;

export function ProductList() {
  const { params } = useLocation();
  const category = params.get("category") || null;
  return (
    <section>
      <h1>Products</h1>
      <CategoryFilter category={category} />
      {/* A new category starts again at its first page. */}
      <Pages key={category ?? ""} category={category} />
    </section>
  );
}

function CategoryFilter({ category }) {
  const [{ data }] = useQuery({ query: ops.Categories });
  const categories = [...new Set(data?.products.edges.map((edge) => edge.node.category))].sort();
  return (
    <label className="filter">
      Category{" "}
      <select
        value={category ?? ""}
        onChange={(event) =>
          navigate(event.target.value ? `/?category=${encodeURIComponent(event.target.value)}` : "/")
        }
        data-testid="category-filter"
      >
        <option value="">All</option>
        {categories.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}

function Pages({ category }) {
  // Cursors of the pages before this one: Next pushes pageInfo.endCursor, Previous pops.
  const [cursors, setCursors] = useState([null]);
  const after = cursors[cursors.length - 1];
  const [{ data, fetching, error }] = useQuery({
    query: ops.Products,
    variables: { category, first: PAGE_SIZE, after },
  });
  const connection = data?.products;
  if (!connection) {
    return fetching ? <p>Loading products…</p> : <ErrorMessage error={error} />;
  }
  return (
    <>
      {connection.edges.some(({ node }) => node.inStock == null) &&
        missingAt(error, ["products", "edges", "*", "node", "inStock"]) && (
        <Missing what="Stock information" />
      )}
      <ul className="grid" data-testid="product-list">
        {connection.edges.map(({ node }) => (
          <li key={node.id} className="card">
            <Link to={`/products/${encodeURIComponent(node.id)}`}>{node.name}</Link>
            <span className="muted">{node.category}</span>
            <span className="price">{formatMoney(node.price)}</span>
            <Stock inStock={node.inStock} />
          </li>
        ))}
      </ul>
      {connection.edges.length === 0 && <p>No products here.</p>}
      <div className="pager">
        <button
          type="button"
          disabled={cursors.length === 1}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          ← Previous
        </button>
        <span data-testid="page-number">Page {cursors.length}</span>
        <button
          type="button"
          disabled={!connection.pageInfo.hasNextPage}
          onClick={() => setCursors([...cursors, connection.pageInfo.endCursor])}
        >
          Next →
        </button>
      </div>
    </>
  );
}

export function Stock({ inStock, quantity }) {
  if (inStock == null) return <span className="muted">stock unknown</span>;
  if (!inStock) return <span className="out">Out of stock</span>;
  return <span className="in">In stock{quantity != null ? ` (${quantity} left)` : ""}</span>;
}
