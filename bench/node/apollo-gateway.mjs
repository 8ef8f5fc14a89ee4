// @apollo/gateway on @apollo/server's standalone HTTP server, for bench/ (python -m bench).
// usage: node apollo-gateway.mjs SUPERGRAPH_PATH PORT  (listens on 127.0.0.1 only)
import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { ApolloGateway } from "@apollo/gateway";

const [supergraphPath, port] = process.argv.slice(2);
const gateway = new ApolloGateway({ supergraphSdl: readFileSync(supergraphPath, "utf8") });
const server = new ApolloServer({ gateway, introspection: false });
const { url } = await startStandaloneServer(server, { listen: { host: "127.0.0.1", port: Number(port) } });
console.log(`@apollo/gateway ready at ${url}`);
