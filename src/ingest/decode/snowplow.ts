/**
 * Snowplow tracker protocol → canonical events. One event is a flat map of short parameters
 * (`e`, `eid`, `aid`, `url`, ...) from a tp2 POST body or a GET /i query string.
 */
import { randomUUID } from "node:crypto";
import { emptyEvent, type StoredEvent } from "../../events/event.js";
import { BoundedMemo } from "../memo.js";
import {
  type DecodedEvent,
  EventRejected,
  epochMs,
  isUuid,
  jsonText,
  LIMITS,
  text,
} from "./decoded.js";
import { contexts, schemaName, unstructEvent } from "./self-describing.js";

export const PAYLOAD_DATA_SCHEMA =
  /^iglu:com\.snowplowanalytics\.snowplow\/payload_data\/jsonschema\/1-0-\d+$/;

const EVENT_CODES: Record<string, StoredEvent["event_type"]> = {
  pv: "page_view",
  pp: "page_ping",
  ue: "custom",
  se: "structured",
  tr: "transaction",
  ti: "transaction_item",
};

export function decodeSnowplowEvent(params: unknown, collectorTstamp: number): DecodedEvent {
  if (typeof params !== "object" || params === null || Array.isArray(params)) {
    throw new EventRejected("event must be an object of tracker parameters");
  }
  const p = params as Record<string, unknown>;
  const code = p.e;
  if (typeof code !== "string") throw new EventRejected("e (event type) is missing");
  // Own keys only: `e=constructor` must not find Object.prototype's members.
  const type = Object.hasOwn(EVENT_CODES, code) ? EVENT_CODES[code] : undefined;
  if (!type) throw new EventRejected(`unknown event type e=${JSON.stringify(code).slice(0, 40)}`);

  const event = emptyEvent("", isUuid(p.eid) ? p.eid.toLowerCase() : randomUUID(), collectorTstamp);
  event.event_type = type;
  event.dvce_created_tstamp = epochMs(p.dtm, "dtm");
  event.dvce_sent_tstamp = epochMs(p.stm, "stm");
  event.derived_tstamp = derivedTimestamp(
    collectorTstamp,
    event.dvce_created_tstamp,
    event.dvce_sent_tstamp,
    epochMs(p.ttm, "ttm"),
  );
  event.user_id = text(p.uid, "uid", LIMITS.shortText);
  event.domain_userid = text(p.duid, "duid", LIMITS.shortText);
  event.session_id = text(p.sid, "sid", LIMITS.shortText);
  event.session_index = integer(p.vid, "vid");
  event.page_url = text(p.url, "url");
  event.page_title = text(p.page, "page");
  event.page_referrer = text(p.refr, "refr");
  event.useragent = text(p.ua, "ua");
  event.browser_language = text(p.lang, "lang", LIMITS.shortText);
  event.screen_resolution = text(p.res, "res", LIMITS.shortText);
  event.viewport_size = text(p.vp, "vp", LIMITS.shortText);
  event.doc_charset = text(p.cs, "cs", LIMITS.shortText);
  event.platform = text(p.p, "p", LIMITS.shortText);
  event.tracker = text(p.tv, "tv", LIMITS.shortText);

  if (type === "custom") selfDescribing(event, p);
  if (type === "structured") {
    event.event_name = text(p.se_ac, "se_ac", LIMITS.shortText);
    if (!event.event_name) throw new EventRejected("se_ac (structured event action) is missing");
    event.custom_props = jsonText(
      {
        category: p.se_ca ?? null,
        label: p.se_la ?? null,
        property: p.se_pr ?? null,
        value: p.se_va ?? null,
      },
      "structured event fields",
    );
  }
  applyContexts(event, contextFields(p.co, p.cx));

  return {
    appId: text(p.aid, "aid", LIMITS.shortText),
    event,
    ip: text(p.ip, "ip", LIMITS.shortText),
  };
}

/** The `aid` of a raw event, even one that does not decode (to file its rejection). */
export function snowplowAppId(params: unknown): string | null {
  const aid =
    typeof params === "object" && params !== null ? (params as { aid?: unknown }).aid : undefined;
  return typeof aid === "string" && aid !== "" && aid.length <= LIMITS.shortText ? aid : null;
}

/** Snowplow's derived timestamp: the true time if given, else device time corrected for clock skew. */
export function derivedTimestamp(
  collector: number,
  created: number | null,
  sent: number | null,
  trueTstamp: number | null,
): number {
  const derived =
    trueTstamp ?? (created !== null && sent !== null ? collector - (sent - created) : collector);
  return Math.min(derived, collector);
}

function selfDescribing(event: StoredEvent, p: Record<string, unknown>): void {
  const inner = unstructEvent(p.ue_pr, p.ue_px);
  if (!inner) throw new EventRejected("ue_pr or ue_px is missing for a self-describing event");
  const name = schemaName(inner.schema);
  const data = (typeof inner.data === "object" && inner.data !== null ? inner.data : {}) as Record<
    string,
    unknown
  >;
  if (name === "custom_event") {
    event.event_name = text(data.name, "custom_event.name", LIMITS.shortText);
    if (!event.event_name) throw new EventRejected("custom_event.name is missing");
    event.custom_props = jsonText(data.props ?? {}, "custom_event.props");
  } else if (name === "link_click") {
    event.event_type = "link_click";
    event.target_url = text(data.targetUrl, "link_click.targetUrl");
    event.element_id = text(data.elementId, "link_click.elementId", LIMITS.shortText);
  } else {
    // Any other self-describing event is kept as a custom event named after its schema.
    event.event_name = name;
    event.custom_props = jsonText(data, name);
  }
}

/** What an event takes from its contexts (`user_context`, `browser_context`). */
interface ContextFields {
  user_props: string | null;
  document_language: string | null;
  // Used only where the event's own parameter is missing, so only then refused if invalid.
  viewport_size: Fallback;
  screen_resolution: Fallback;
  browser_language: Fallback;
}

/** A context value the event may not need, or why it is refused. */
type Fallback = string | null | EventRejected;

function fallback(value: unknown, field: string): Fallback {
  try {
    return text(value, field, LIMITS.shortText);
  } catch (error) {
    if (error instanceof EventRejected) return error;
    throw error;
  }
}

function use(value: Fallback): string | null {
  if (value instanceof EventRejected) throw value;
  return value;
}

/**
 * The events of one page view carry the same `co`/`cx` text (its web_page id, the same browser
 * and user contexts), so the fields read from it are memoised by that text: parsing it was a
 * tenth of the collector's CPU for a batch. Long texts are not kept, to bound the memo's size.
 */
const plainContexts = new BoundedMemo<ContextFields>(1000);
const encodedContexts = new BoundedMemo<ContextFields>(1000);
const MEMO_MAX_CHARS = 4096;

// Module-level, so that a memo hit allocates nothing on the collector's hot path.
const readPlain = (co: string) => readContextFields(co, undefined);
const readEncoded = (cx: string) => readContextFields(undefined, cx);

function contextFields(co: unknown, cx: unknown): ContextFields {
  // The same precedence as contexts(): a non-empty `co` text (then `cx` is not read), else `cx`.
  if (typeof co === "string" && co !== "") {
    return co.length <= MEMO_MAX_CHARS ? plainContexts.get(co, readPlain) : readPlain(co);
  }
  if (co === undefined && typeof cx === "string" && cx !== "" && cx.length <= MEMO_MAX_CHARS) {
    return encodedContexts.get(cx, readEncoded);
  }
  return readContextFields(co, cx);
}

function readContextFields(co: unknown, cx: unknown): ContextFields {
  const found = contexts(co, cx);
  const user = found.get("user_context");
  const browser = found.get("browser_context");
  return {
    user_props: user ? jsonText(user, "user_context") : null,
    document_language: browser
      ? text(browser.documentLanguage, "browser_context.documentLanguage", LIMITS.shortText)
      : null,
    viewport_size: browser ? fallback(browser.viewport, "browser_context.viewport") : null,
    screen_resolution: browser ? fallback(browser.resolution, "browser_context.resolution") : null,
    browser_language: browser
      ? fallback(browser.browserLanguage, "browser_context.browserLanguage")
      : null,
  };
}

function applyContexts(event: StoredEvent, fields: ContextFields): void {
  if (fields.user_props !== null) event.user_props = fields.user_props;
  event.document_language = fields.document_language;
  // The event's own parameters win over the browser context.
  event.viewport_size ??= use(fields.viewport_size);
  event.screen_resolution ??= use(fields.screen_resolution);
  event.browser_language ??= use(fields.browser_language);
}

function integer(value: unknown, field: string): number | null {
  if (value === undefined || value === null || value === "") return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 2_147_483_647)
    throw new EventRejected(`${field} must be a non-negative integer`);
  return n;
}
