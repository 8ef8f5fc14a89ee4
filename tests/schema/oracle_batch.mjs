// Batch oracle for the schema tests: composes many subgraph sets in one node process, because
// node start-up (~0.5 s) per set would dominate the suite. Reads {"<set>": {"subgraphs": [...]}}
// on stdin, prints {"<set>": {supergraphSdl, publicSdl} | {errors: [{code, message}]}}.
// The package is resolved from tests/node (passed as argv[2]) where it is pinned.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const nodeDir = process.argv[2];
const require = createRequire(pathToFileURL(nodeDir + "/package.json"));
const { parse } = await import(pathToFileURL(require.resolve("graphql")).href);
const { composeServices } = await import(
  pathToFileURL(require.resolve("@theguild/federation-composition")).href
);

const input = JSON.parse(readFileSync(0, "utf8"));
const output = {};
for (const [name, set] of Object.entries(input)) {
  const started = process.hrtime.bigint();
  try {
    const result = composeServices(
      set.subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })),
    );
    if (result.errors) {
      output[name] = {
        errors: result.errors.map((e) => ({ code: e.extensions?.code ?? null, message: e.message })),
      };
    } else {
      output[name] = { supergraphSdl: result.supergraphSdl, publicSdl: result.publicSdl };
    }
  } catch (err) {
    output[name] = { errors: [{ code: "PARSE_ERROR", message: String(err.message) }] };
  }
  output[name].ms = Number(process.hrtime.bigint() - started) / 1e6;
  output[name].rssBytes = process.memoryUsage().rss;
}
process.stdout.write(JSON.stringify(output));
