/**
 * Serves the tracking SDK's browser builds from the `@glimpse/sdk` workspace package:
 * `/sdk/glimpse.min.js` (script tag, sets `window.glSDK` like GitLab's gl-sdk.min.js) and
 * `/sdk/glimpse.esm.js`. Files are read once; answers carry an ETag and may be cached for an
 * hour (the URL has no version, so not for longer).
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { FastifyInstance } from "fastify";

const FILES = ["glimpse.min.js", "glimpse.esm.js"] as const;
const require = createRequire(import.meta.url);

interface Asset {
  body: Buffer;
  etag: string;
}

async function loadAsset(name: string): Promise<Asset | null> {
  try {
    const body = await readFile(require.resolve(`@glimpse/sdk/${name}`));
    return {
      body,
      etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`,
    };
  } catch {
    return null;
  }
}

export async function registerSdkRoutes(app: FastifyInstance): Promise<void> {
  for (const name of FILES) {
    let asset: Promise<Asset | null> | undefined;
    app.get(`/sdk/${name}`, async (request, reply) => {
      asset ??= loadAsset(name);
      const found = await asset;
      if (!found) {
        asset = undefined;
        return reply.code(404).send({ error: `the SDK is not built (${name}); run npm run build` });
      }
      reply
        .header("content-type", "text/javascript; charset=utf-8")
        .header("cache-control", "public, max-age=3600")
        .header("access-control-allow-origin", "*")
        .header("etag", found.etag);
      if (request.headers["if-none-match"] === found.etag) return reply.code(304).send();
      return reply.send(found.body);
    });
  }
}
