/**
 * Builds the SDK into dist/: ESM bundles for npm (browser entry, Node entry, internals) with
 * .d.ts types from tsc (which also type-checks the package), and the two minified browser
 * builds the service serves: glimpse.min.js, a script-tag IIFE that sets `window.glSDK` like
 * GitLab's gl-sdk.min.js, and glimpse.esm.js.
 */
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const dir = fileURLToPath(new URL(".", import.meta.url));
const require = createRequire(import.meta.url);
rmSync(`${dir}dist`, { recursive: true, force: true });

const common = { absWorkingDir: dir, bundle: true, legalComments: "none", logLevel: "warning" };
const browser = { ...common, platform: "browser", target: "es2020" };
await Promise.all([
  build({
    ...browser,
    entryPoints: ["src/index.ts", "src/internals.ts"],
    outdir: "dist",
    format: "esm",
  }),
  build({
    ...common,
    entryPoints: ["src/node.ts"],
    outdir: "dist",
    format: "esm",
    platform: "node",
    target: "node20",
  }),
  build({
    ...browser,
    entryPoints: ["src/index.ts"],
    outfile: "dist/glimpse.min.js",
    format: "iife",
    globalName: "glSDK",
    minify: true,
  }),
  build({
    ...browser,
    entryPoints: ["src/index.ts"],
    outfile: "dist/glimpse.esm.js",
    format: "esm",
    minify: true,
  }),
]);

execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.json"], {
  cwd: dir,
  stdio: "inherit",
});
