/**
 * The script-tag build stays at most 5 KB minified and gzipped. GitLab's
 * @gitlab/application-sdk-browser weighs 22 KB gzipped, and the size of a tracking script is
 * paid on every page view of every site that embeds it: that weight is why issue 7 asked for
 * a Glimpse SDK at all. A new feature that does not fit must earn its bytes elsewhere.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";
import { expect, it } from "vitest";

const require = createRequire(import.meta.url);
const LIMIT_BYTES = 5 * 1024;

it.each(["glimpse.min.js", "glimpse.esm.js"])("%s is at most 5 KB gzipped", (name) => {
  const code = readFileSync(require.resolve(`@glimpse/sdk/${name}`));
  const gzipped = gzipSync(code, { level: 9 }).length;
  expect(gzipped).toBeLessThanOrEqual(LIMIT_BYTES);
});
