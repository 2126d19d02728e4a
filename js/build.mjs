// Bundles each widget entry in js/src/<widget>/index.ts into fairness_widgets/static/.
// anywidget loads a bundle from a Blob URL, so each must be one self-contained ES module.
import { build } from "esbuild";
import { readdirSync, existsSync } from "node:fs";
import { join } from "node:path";

const sourceRoot = "js/src";
const entries = readdirSync(sourceRoot, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(sourceRoot, entry.name, "index.ts")))
  .map((entry) => ({ in: join(sourceRoot, entry.name, "index.ts"), out: entry.name }));

await build({
  entryPoints: entries,
  outdir: "fairness_widgets/static",
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: process.env.NODE_ENV !== "development",
  sourcemap: false,
  splitting: false,
  logLevel: "info",
});
