// The shop is served by the router at /shop (router/server/_storefront.py), so every asset URL
// starts with /shop/ and the app talks to the router's /graphql on the same origin.
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

export default defineConfig({
  base: "/shop/",
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
  // `npm run dev` against a running `supergraph dev`: the router answers /graphql.
  server: { proxy: { "/graphql": "http://127.0.0.1:4000" } },
});
