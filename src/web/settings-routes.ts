/**
 * Instance settings for the web UI: `GET /api/v1/web/settings`, and regenerating the query
 * API's key. The new key takes effect at once (query auth reads `ctx.secrets.apiSecret` per
 * request; tokens signed with the old key stop working), is written to the data dir, and is
 * shown once in the answer so it can be copied into GitLab's settings.
 */
import type { FastifyInstance } from "fastify";
import { rotateApiSecret } from "../config/secrets.js";
import type { AppContext } from "../server/context.js";
import { instanceSettings, maskSecret } from "./instance-settings.js";

export function registerSettingsRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get("/api/v1/web/settings", async (request, reply) => {
    reply.header("cache-control", "no-store");
    return instanceSettings(request, ctx);
  });

  app.post("/api/v1/web/settings/api-key", async (_request, reply) => {
    if (ctx.config.GLIMPSE_API_SECRET) {
      return reply.code(409).send({
        error: "the API key is set by GLIMPSE_API_SECRET; change it there and restart",
      });
    }
    ctx.secrets.apiSecret = rotateApiSecret(ctx.config.GLIMPSE_DATA_DIR);
    return reply
      .header("cache-control", "no-store")
      .send({ apiKey: maskSecret(ctx.secrets.apiSecret), value: ctx.secrets.apiSecret });
  });
}
