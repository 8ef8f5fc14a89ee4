// The app's GraphQL operations, read from src/graphql/*.graphql (the same files the Python tests
// validate against schema/supergraph.graphql). A file may hold several operations and fragments;
// each operation becomes its own document with exactly the fragments it uses, because a server
// rejects a document with unused fragments and urql sends one operation per request.
import { gql } from "urql";
import account from "./graphql/account.graphql?raw";
import catalogue from "./graphql/catalogue.graphql?raw";
import notifications from "./graphql/notifications.graphql?raw";
import orders from "./graphql/orders.graphql?raw";
import product from "./graphql/product.graphql?raw";

function fragmentSpreads(node, names = new Set()) {
  if (node && typeof node === "object") {
    if (node.kind === "FragmentSpread") names.add(node.name.value);
    for (const value of Object.values(node)) {
      if (value && typeof value === "object") fragmentSpreads(value, names);
    }
  }
  return names;
}

function splitOperations(source) {
  const document = gql(source);
  const fragments = new Map(
    document.definitions
      .filter((d) => d.kind === "FragmentDefinition")
      .map((d) => [d.name.value, d]),
  );
  const operations = {};
  for (const operation of document.definitions) {
    if (operation.kind !== "OperationDefinition") continue;
    const used = new Set();
    const pending = [...fragmentSpreads(operation)];
    while (pending.length) {
      const name = pending.pop();
      if (used.has(name)) continue;
      used.add(name);
      pending.push(...fragmentSpreads(fragments.get(name)));
    }
    operations[operation.name.value] = {
      kind: "Document",
      definitions: [operation, ...[...used].map((name) => fragments.get(name))],
    };
  }
  return operations;
}

export const ops = Object.freeze({
  ...splitOperations(account),
  ...splitOperations(catalogue),
  ...splitOperations(notifications),
  ...splitOperations(orders),
  ...splitOperations(product),
});
