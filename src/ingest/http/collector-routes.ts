/**
 * The collector's HTTP endpoints: Snowplow's tp2 POST and GET pixel, and Jitsu's browser and
 * server-to-server endpoints. Bodies are read as text whatever their content type (sendBeacon
 * posts text/plain) and parsed here, so a bad body gets our error rather than a framework's.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Collector, CollectResult, Decoder } from "../collector.js";
import { decodeJitsuEvent } from "../decode/jitsu.js";
import { decodeSnowplowEvent, PAYLOAD_DATA_SCHEMA, snowplowAppId } from "../decode/snowplow.js";
import { WalFullError } from "../wal/write-ahead-log.js";
import { registerCollectorCors } from "./cors.js";

export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_BATCH_EVENTS = 1000;

/** A 1×1 transparent GIF, what Snowplow's pixel endpoint answers. */
const PIXEL = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");

/** The collector's paths: the only ones that answer cross-origin requests. */
const COLLECTOR_PATHS = [
  "/com.snowplowanalytics.snowplow/tp2",
  "/i",
  "/com.snowplowanalytics.snowplow/i",
  "/api/v1/event",
  "/api/v1/s2s/event",
];

interface Protocol {
  decode: Decoder;
  keyOf: (item: unknown) => string | null;
  serverSide?: boolean;
}
const SNOWPLOW: Protocol = { decode: decodeSnowplowEvent, keyOf: snowplowAppId };
/** Jitsu names its key once per request (`?token=`), never per event. */
const JITSU: Protocol = { decode: decodeJitsuEvent, keyOf: () => null };
/** Jitsu's server-to-server endpoint: the request comes from a backend, not the user's browser. */
const JITSU_S2S: Protocol = { ...JITSU, serverSide: true };

class BadRequest extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function registerCollectorRoutes(
  app: FastifyInstance,
  collector: Collector,
): Promise<void> {
  await app.register(async (scope) => {
    registerCollectorCors(scope, COLLECTOR_PATHS);
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      "*",
      { parseAs: "string", bodyLimit: MAX_BODY_BYTES },
      (_req, body, done) => done(null, body),
    );

    const handle = async (
      request: FastifyRequest,
      reply: FastifyReply,
      items: () => unknown[],
      protocol: Protocol,
      requestAppId: string | null,
      pixel = false,
    ) => {
      let collecting: Promise<CollectResult>;
      try {
        collecting = collect(request, items, protocol, requestAppId);
      } catch (error) {
        if (error instanceof BadRequest)
          return reply.code(error.status).send({ error: error.message });
        throw error;
      }
      try {
        const result = await collecting;
        if (result.kind === "unknown-app") {
          return reply
            .code(403)
            .send({ error: result.appId ? "unknown app id" : "app id is missing" });
        }
        if (result.accepted === 0 && result.rejected.length > 0) {
          const first = result.rejected[0];
          return reply.code(400).send({
            error: `no valid event: event ${first?.index}: ${first?.reason}`,
            rejected: result.rejected,
          });
        }
        if (pixel) return reply.header("cache-control", "no-store").type("image/gif").send(PIXEL);
        return reply.send({ status: "ok", accepted: result.accepted, rejected: result.rejected });
      } catch (error) {
        if (error instanceof WalFullError) {
          request.log.warn({ bytes: error.bytes }, "write-ahead log at its cap; refusing events");
          return reply
            .code(503)
            .header("retry-after", "5")
            .send({ error: "collector is over capacity; retry later" });
        }
        throw error;
      }
    };

    /**
     * Parses the request's items and hands them to the collector. Not async, and `handle`
     * holds only the promise: the parsed items must not stay alive in a suspended frame while
     * the log's fsync is awaited (see Collector.collect). For the same reason the body, which
     * the request keeps until it is answered, is dropped once parsed.
     */
    const collect = (
      request: FastifyRequest,
      items: () => unknown[],
      protocol: Protocol,
      requestAppId: string | null,
    ): Promise<CollectResult> => {
      const list = items();
      request.body = undefined;
      return collector.collect({
        items: list,
        decode: protocol.decode,
        keyOf: protocol.keyOf,
        requestAppId,
        ip: request.ip,
        userAgent: request.headers["user-agent"] ?? null,
        anonymousHeader: request.headers["sp-anonymous"] !== undefined,
        serverSide: protocol.serverSide === true,
      });
    };

    const appIdHeader = (request: FastifyRequest) => {
      const header = request.headers["x-gitlab-appid"];
      return typeof header === "string" && header !== "" ? header : null;
    };

    scope.post("/com.snowplowanalytics.snowplow/tp2", (request, reply) =>
      handle(request, reply, () => snowplowBatch(request.body), SNOWPLOW, appIdHeader(request)),
    );

    const pixel = (request: FastifyRequest, reply: FastifyReply) =>
      handle(request, reply, () => [request.query], SNOWPLOW, appIdHeader(request), true);
    scope.get("/i", pixel);
    scope.get("/com.snowplowanalytics.snowplow/i", pixel);

    const jitsu =
      (protocol: Protocol) =>
      (request: FastifyRequest<{ Querystring: { token?: string } }>, reply: FastifyReply) => {
        const token = request.query.token ?? headerToken(request);
        return handle(request, reply, () => jitsuBatch(request.body), protocol, token || null);
      };
    scope.post("/api/v1/event", jitsu(JITSU));
    scope.post("/api/v1/s2s/event", jitsu(JITSU_S2S));
  });
}

function headerToken(request: FastifyRequest): string | undefined {
  const header = request.headers["x-auth-token"];
  return typeof header === "string" ? header : undefined;
}

function parseJson(body: unknown): unknown {
  if (typeof body !== "string" || body.trim() === "")
    throw new BadRequest(400, "request body is empty");
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new BadRequest(400, `request body is not JSON: ${(error as Error).message}`);
  }
}

function checkCount(count: number): void {
  if (count > MAX_BATCH_EVENTS) {
    throw new BadRequest(
      413,
      `${count} events in one request; at most ${MAX_BATCH_EVENTS} are accepted`,
    );
  }
  if (count === 0) throw new BadRequest(400, "the request holds no events");
}

function snowplowBatch(body: unknown): unknown[] {
  const payload = parseJson(body);
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    throw new BadRequest(400, "body must be a payload_data object {schema, data}");
  }
  const { schema, data } = payload as { schema?: unknown; data?: unknown };
  if (typeof schema !== "string" || !PAYLOAD_DATA_SCHEMA.test(schema)) {
    throw new BadRequest(
      400,
      `schema must be iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-x, got ${JSON.stringify(schema)?.slice(0, 100)}`,
    );
  }
  if (!Array.isArray(data)) throw new BadRequest(400, "data must be an array of events");
  checkCount(data.length);
  return data;
}

function jitsuBatch(body: unknown): unknown[] {
  const payload = parseJson(body);
  const list = Array.isArray(payload) ? payload : [payload];
  checkCount(list.length);
  return list;
}
