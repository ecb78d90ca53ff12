/** The service serves the SDK's browser builds, cacheable, under /sdk/. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestService, type TestService } from "../helpers/service.js";

const require = createRequire(import.meta.url);
let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service?.dispose();
});

it.each(["glimpse.min.js", "glimpse.esm.js"])(
  "serves /sdk/%s as JavaScript with an ETag",
  async (name) => {
    const response = await fetch(`${service.url}/sdk/${name}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("public, max-age=3600");
    expect(await response.text()).toBe(
      readFileSync(require.resolve(`@glimpse/sdk/${name}`), "utf8"),
    );
    const etag = response.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await fetch(`${service.url}/sdk/${name}`, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
  },
);

it("defines the global glSDK.glClientSDK, like GitLab's gl-sdk.min.js", async () => {
  const code = await (await fetch(`${service.url}/sdk/glimpse.min.js`)).text();
  const page: { glSDK?: { glClientSDK?: unknown } } = {};
  runInNewContext(code, page); // a script's top-level var becomes a property of window
  expect(typeof page.glSDK?.glClientSDK).toBe("function");
});
