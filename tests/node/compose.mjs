// Reference composer (oracle) for tests: reads {"subgraphs": [{"name", "url", "sdl"}]} as JSON on
// stdin and prints {"supergraphSdl", "publicSdl"} or {"errors": [{"code", "message"}]} as JSON.
// An optional "disableValidationRules" list names composer rules to skip (e.g. "SatisfiabilityRule" for
// sets whose only unsatisfiable paths go through root type re-entry, which this composer does not model).
import { readFileSync } from "node:fs";
import { parse } from "graphql";
import { composeServices } from "@theguild/federation-composition";

const input = JSON.parse(readFileSync(0, "utf8"));
let result;
try {
  result = composeServices(
    input.subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })),
    input.disableValidationRules ? { disableValidationRules: input.disableValidationRules } : undefined,
  );
} catch (err) {
  process.stdout.write(JSON.stringify({ errors: [{ code: "PARSE_ERROR", message: String(err.message) }] }));
  process.exit(0);
}
if (result.errors) {
  const errors = result.errors.map((e) => ({ code: e.extensions?.code ?? null, message: e.message }));
  process.stdout.write(JSON.stringify({ errors }));
} else {
  process.stdout.write(JSON.stringify({ supergraphSdl: result.supergraphSdl, publicSdl: result.publicSdl }));
}
