// One urql client per signed-in user: a normalized cache (graphcache) keyed by entity id, the
// access token sent as `Authorization: Bearer`, and a refresh when the router says the token
// expired. Signing in or out builds a new client, so one user's data never shows to another.
import { authExchange } from "@urql/exchange-auth";
import { cacheExchange } from "@urql/exchange-graphcache";
import { Client, fetchExchange } from "urql";
import { ops } from "./operations.js";
import { saveSession, session } from "./store.js";

// Types without an id are stored inside their parent rather than as entities.
const embedded = () => null;
const keys = Object.fromEntries(
  [
    "AuthPayload",
    "Money",
    "OrderItem",
    "PageInfo",
    "ProductConnection",
    "ProductEdge",
    "OrderConnection",
    "OrderEdge",
    "ReviewConnection",
    "ReviewEdge",
    "NotificationConnection",
    "NotificationEdge",
  ].map((name) => [name, embedded]),
);

function invalidateViewerField(cache, fieldName) {
  const viewer = cache.resolve("Query", "me");
  if (!viewer) return;
  for (const field of cache.inspectFields(viewer)) {
    if (field.fieldName === fieldName) cache.invalidate(viewer, field.fieldName, field.arguments);
  }
}

const updates = {
  Mutation: {
    placeOrder(_result, args, cache) {
      invalidateViewerField(cache, "orders");
      invalidateViewerField(cache, "unreadNotificationCount");
      invalidateViewerField(cache, "notifications");
      for (const item of args.items) {
        const product = { __typename: "Product", id: item.productId };
        cache.invalidate(product, "quantity");
        cache.invalidate(product, "inStock");
      }
    },
    cancelOrder(_result, _args, cache) {
      invalidateViewerField(cache, "notifications");
      invalidateViewerField(cache, "unreadNotificationCount");
    },
    markNotificationRead(_result, _args, cache) {
      invalidateViewerField(cache, "unreadNotificationCount");
    },
  },
};

const unauthenticated = (error) =>
  error.graphQLErrors.some((graphQLError) => graphQLError.extensions?.code === "UNAUTHENTICATED");

// urql's default Accept names `multipart/mixed` without a spec version; say which incremental
// delivery format this app reads (the router's, deferSpec=20220824) so an operation with @defer
// (the product page's reviews) streams. Operations without @defer still get one JSON response.
const ACCEPT =
  "multipart/mixed;deferSpec=20220824, application/graphql-response+json, application/json";

export function makeClient() {
  return new Client({
    url: "/graphql",
    preferGetMethod: false,
    fetchOptions: { headers: { Accept: ACCEPT } },
    exchanges: [
      cacheExchange({ keys, updates }),
      authExchange(async (utils) => ({
        addAuthToOperation(operation) {
          const current = session.get();
          return current
            ? utils.appendHeaders(operation, { Authorization: `Bearer ${current.accessToken}` })
            : operation;
        },
        willAuthError() {
          const current = session.get();
          return Boolean(current && current.expiresAt - 10_000 < Date.now());
        },
        didAuthError: (error) => Boolean(session.get()) && unauthenticated(error),
        async refreshAuth() {
          const current = session.get();
          const result = current
            ? await utils.mutate(ops.RefreshToken, { refreshToken: current.refreshToken })
            : null;
          if (result?.data?.refreshToken) saveSession(result.data.refreshToken);
          else session.set(null); // the sign-in ended: the pages ask to sign in again
        },
      })),
      fetchExchange,
    ],
  });
}
