/**
 * The instance configuration as the settings page shows it (GitLab's admin table): the
 * collector host given to SDKs, the store, the query API's URL and its key, masked.
 */
import { resolve } from "node:path";
import type { FastifyRequest } from "fastify";
import type { AppContext } from "../server/context.js";

/** Shows only the last four characters: enough to tell two keys apart. */
export function maskSecret(secret: string): string {
  return `${"•".repeat(12)}${secret.slice(-4)}`;
}

/** The URL the browser reached the service at. */
export function requestOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

export function instanceSettings(request: FastifyRequest, ctx: AppContext) {
  const origin = requestOrigin(request);
  const collectorUrl = (ctx.config.GLIMPSE_PUBLIC_URL ?? origin).replace(/\/+$/, "");
  const dataDir = resolve(ctx.config.GLIMPSE_DATA_DIR);
  return {
    collector: {
      url: collectorUrl,
      source: ctx.config.GLIMPSE_PUBLIC_URL ? "GLIMPSE_PUBLIC_URL" : "request",
      sdkScriptUrl: `${collectorUrl}/sdk/glimpse.min.js`,
      snowplowEndpoint: `${collectorUrl}/com.snowplowanalytics.snowplow/tp2`,
      jitsuEndpoint: `${collectorUrl}/api/v1/event`,
    },
    store:
      ctx.store.dialect === "duckdb"
        ? { kind: "duckdb", location: resolve(dataDir, "glimpse.duckdb") }
        : { kind: ctx.store.dialect, location: null },
    dataDir,
    queryApi: {
      url: `${origin}/cubejs-api/v1`,
      apiKey: maskSecret(ctx.secrets.apiSecret),
      // A key from the environment comes back on restart: regenerating it here would not last.
      apiKeySource: ctx.config.GLIMPSE_API_SECRET ? "GLIMPSE_API_SECRET" : "data dir",
      canRegenerate: !ctx.config.GLIMPSE_API_SECRET,
    },
  };
}
