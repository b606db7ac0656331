// Builds the workbench into exactly three files that `juris serve --ui` embeds:
// dist/index.html, dist/app.js and dist/app.css (fixed names, no hashes, nothing else).
import { defineConfig } from "vite";

export default defineConfig({
  base: "/",
  publicDir: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    modulePreload: false,
    cssCodeSplit: false,
    sourcemap: false,
    assetsInlineLimit: 0,
    target: "es2022",
    rollupOptions: {
      output: {
        entryFileNames: "app.js",
        inlineDynamicImports: true,
        assetFileNames: (asset) => (asset.names.some((n) => n.endsWith(".css")) ? "app.css" : "[name][extname]"),
      },
    },
  },
  // `npm run dev`: the page from Vite, the API from a `juris serve` on the default port.
  server: { proxy: { "/v1": "http://127.0.0.1:8181" } },
});
