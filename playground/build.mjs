// Bundles the playground (GraphiQL from npm + the auth panel) into static files: no CDN at run time.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "dist-playground");
mkdirSync(out, { recursive: true });
// The separate passkeys page is gone (the main playground does it all): no stale copy left to serve.
for (const old of ["passkeys.html", "passkeys"]) rmSync(join(out, old), { recursive: true, force: true });
await build({
  entryPoints: [join(here, "main.tsx")],
  bundle: true,
  minify: true,
  sourcemap: false,
  format: "iife",
  target: "es2020",
  outdir: out,
  jsx: "automatic",
  conditions: ["@hipaa-auth-gateway/source"],
  loader: { ".css": "css", ".woff": "dataurl", ".woff2": "dataurl", ".ttf": "dataurl", ".svg": "dataurl" },
  define: { "process.env.NODE_ENV": '"production"' },
  logLevel: "warning",
});
copyFileSync(join(here, "index.html"), join(out, "index.html"));
