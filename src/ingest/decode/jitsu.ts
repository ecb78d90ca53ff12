/**
 * Jitsu's event protocol (the classic JS SDK and server-to-server API) → canonical events.
 * Known fields map to columns; every other top-level property is kept as the event's props.
 */
import { randomUUID } from "node:crypto";
import { emptyEvent } from "../../events/event.js";
import {
  type DecodedEvent,
  EventRejected,
  isPlausibleTime,
  isUuid,
  jsonText,
  LIMITS,
  text,
} from "./decoded.js";

/** Fields the decoder maps itself; the rest of the object becomes custom props. */
const KNOWN = new Set([
  "event_type",
  "event_id",
  "user",
  "utc_time",
  "local_tz_offset",
  "url",
  "page_title",
  "doc_path",
  "doc_host",
  "doc_search",
  "referer",
  "user_agent",
  "screen_resolution",
  "vp_size",
  "user_language",
  "doc_encoding",
  "src",
  "api_key",
  "source_ip",
  "ids",
  "utm",
  "click_id",
  "parsed_ua",
  "location",
  "eventn_ctx_event_id",
]);

const PAGE_VIEW = new Set(["pageview", "page_view", "page"]);
/** The classic SDK's `id()` sends `user_identify`. */
const IDENTIFY = new Set(["identify", "user_identify"]);

export function decodeJitsuEvent(body: unknown, collectorTstamp: number): DecodedEvent {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new EventRejected("event must be a JSON object");
  }
  const b = body as Record<string, unknown>;
  const type = text(b.event_type, "event_type", LIMITS.shortText);
  if (!type) throw new EventRejected("event_type is missing");

  const event = emptyEvent(
    "",
    isUuid(b.event_id) ? b.event_id.toLowerCase() : randomUUID(),
    collectorTstamp,
  );
  if (PAGE_VIEW.has(type)) event.event_type = "page_view";
  else if (IDENTIFY.has(type)) event.event_type = "identify";
  else if (type === "link_click") event.event_type = "link_click";
  else {
    event.event_type = "custom";
    event.event_name = type;
  }

  const user = b.user;
  if (user !== undefined && (typeof user !== "object" || user === null || Array.isArray(user))) {
    throw new EventRejected("user must be an object");
  }
  if (user) {
    const { anonymous_id, id, ...traits } = user as Record<string, unknown>;
    event.domain_userid = text(anonymous_id, "user.anonymous_id", LIMITS.shortText);
    event.user_id = text(id, "user.id", LIMITS.shortText);
    if (Object.keys(traits).length > 0) event.user_props = jsonText(traits, "user");
  }

  if (b.utc_time !== undefined && b.utc_time !== null && b.utc_time !== "") {
    const created = Date.parse(String(b.utc_time));
    if (!Number.isFinite(created))
      throw new EventRejected(`utc_time is not a date: ${String(b.utc_time).slice(0, 40)}`);
    if (!isPlausibleTime(created))
      throw new EventRejected(
        `utc_time is outside 2000–2100 (a broken clock?): ${String(b.utc_time).slice(0, 40)}`,
      );
    event.dvce_created_tstamp = created;
    // Jitsu sends no separate "sent" time: a device clock ahead of ours is clamped to now.
    event.derived_tstamp = Math.min(created, collectorTstamp);
  }

  event.page_url = text(b.url, "url") ?? pageUrlFromParts(b);
  event.page_title = text(b.page_title, "page_title");
  event.page_referrer = text(b.referer, "referer");
  event.useragent = text(b.user_agent, "user_agent");
  event.screen_resolution = text(b.screen_resolution, "screen_resolution", LIMITS.shortText);
  event.viewport_size = text(b.vp_size, "vp_size", LIMITS.shortText);
  event.browser_language = text(b.user_language, "user_language", LIMITS.shortText);
  event.doc_charset = text(b.doc_encoding, "doc_encoding", LIMITS.shortText);
  event.platform = text(b.src, "src", LIMITS.shortText) ?? "jitsu";
  event.tracker = "jitsu";

  // No prototype: a `__proto__` property is data like any other, not the object's prototype.
  const props: Record<string, unknown> = Object.create(null);
  for (const [key, value] of Object.entries(b)) if (!KNOWN.has(key)) props[key] = value;
  if (event.event_type === "link_click") {
    event.target_url = text(props.target_url ?? props.href, "target_url");
    event.element_id = text(props.element_id, "element_id", LIMITS.shortText);
  }
  if (Object.keys(props).length > 0) event.custom_props = jsonText(props, "event properties");

  return { appId: null, event, ip: text(b.source_ip, "source_ip", LIMITS.shortText) };
}

function pageUrlFromParts(b: Record<string, unknown>): string | null {
  const host = text(b.doc_host, "doc_host", LIMITS.shortText);
  if (!host) return null;
  return `https://${host}${text(b.doc_path, "doc_path") ?? "/"}${text(b.doc_search, "doc_search") ?? ""}`;
}
