// GraphQL errors in words. The router reports each error with `extensions.code` and, when only
// part of the data failed (a subgraph down, a forbidden field), a `path` to that part: pages render
// what arrived and put a note where `missingAt(error, path)` says data is missing.

const SUBGRAPH_DOWN = new Set([
  "SUBGRAPH_REQUEST_FAILED",
  "SUBGRAPH_TIMEOUT",
  "SUBGRAPH_CIRCUIT_OPEN",
  "INVALID_SUBGRAPH_RESPONSE",
]);

const codeOf = (graphQLError) => graphQLError.extensions?.code;

/** A sentence for the user about a failed operation (urql CombinedError), or null. */
export function describeError(error, { conflict } = {}) {
  if (!error) return null;
  if (error.networkError && !error.graphQLErrors.length) {
    return "The shop cannot be reached right now. Check your connection and try again.";
  }
  const first = error.graphQLErrors[0];
  switch (codeOf(first)) {
    case "UNAUTHENTICATED":
    case "UNAUTHORIZED": // the router refused an @authenticated field before calling a subgraph
      return "You are not signed in (or your session has ended). Please sign in and try again.";
    case "FORBIDDEN":
      return `You are not allowed to do that. ${first.message}`;
    case "CONFLICT":
      return conflict ? `${conflict} ${first.message}` : first.message;
    case "BAD_USER_INPUT":
    case "NOT_FOUND":
      return first.message;
    case "GRAPHQL_VALIDATION_FAILED":
      return "This page needs a part of the shop's API that is not available yet.";
    default:
      if (SUBGRAPH_DOWN.has(codeOf(first))) {
        return "Part of the shop is not responding right now. Please try again in a moment.";
      }
      return `Something went wrong: ${first?.message ?? error.message}`;
  }
}

export const hasCode = (error, code) =>
  Boolean(error?.graphQLErrors.some((graphQLError) => codeOf(graphQLError) === code));

/**
 * Whether an error explains missing data at `path` (["product", "reviews"]; "*" matches any list
 * index). The router puts an error at the field that failed or, when a whole entity fetch failed
 * (a subgraph down), at the entity it was fetching for (["product"], with `serviceName`): an error
 * at the path, above it or below it counts. Call it for a value that is null.
 */
export function missingAt(error, path) {
  if (!error) return false;
  return error.graphQLErrors.some((graphQLError) => {
    const at = graphQLError.path;
    if (!Array.isArray(at)) return false;
    const common = Math.min(at.length, path.length);
    for (let index = 0; index < common; index += 1) {
      if (path[index] !== "*" && path[index] !== at[index]) return false;
    }
    return true;
  });
}

/** A note where a part of the page could not be loaded. */
export function Missing({ what }) {
  return (
    <p className="note" role="status">
      {what} can't be shown right now: part of the shop is not responding.
    </p>
  );
}

export function ErrorMessage({ error, conflict }) {
  const text = describeError(error, { conflict });
  return text ? (
    <p className="error" role="alert">
      {text}
    </p>
  ) : null;
}
