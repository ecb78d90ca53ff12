/**
 * Snowplow self-describing JSON: the `ue_pr`/`ue_px` event envelope and the `co`/`cx` contexts,
 * as plain JSON or base64url (padding optional, as trackers send it).
 */
import { EventRejected } from "./decoded.js";

export interface SelfDescribing {
  schema: string;
  data: unknown;
}

function isSelfDescribing(value: unknown): value is SelfDescribing {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { schema?: unknown }).schema === "string" &&
    "data" in value
  );
}

/** Reads the plain (`pr`) or base64url (`px`) variant of a parameter. */
function readJson(plain: unknown, encoded: unknown, field: string): unknown {
  let source: string;
  if (typeof plain === "string" && plain !== "") source = plain;
  else if (typeof encoded === "string" && encoded !== "") {
    source = Buffer.from(encoded, "base64url").toString("utf8");
  } else if (typeof plain === "object" && plain !== null) return plain;
  else return undefined;
  try {
    return JSON.parse(source);
  } catch {
    throw new EventRejected(`${field} is not valid JSON`);
  }
}

/** The self-describing event inside `ue_pr`/`ue_px`, or undefined when absent. */
export function unstructEvent(pr: unknown, px: unknown): SelfDescribing | undefined {
  const envelope = readJson(pr, px, pr !== undefined ? "ue_pr" : "ue_px");
  if (envelope === undefined) return undefined;
  if (!isSelfDescribing(envelope) || !isSelfDescribing(envelope.data)) {
    throw new EventRejected("ue_pr/ue_px must be a self-describing unstruct_event");
  }
  return envelope.data;
}

/** The contexts inside `co`/`cx`, keyed by schema name without version (e.g. `web_page`). */
export function contexts(co: unknown, cx: unknown): Map<string, Record<string, unknown>> {
  const found = new Map<string, Record<string, unknown>>();
  const envelope = readJson(co, cx, co !== undefined ? "co" : "cx");
  if (envelope === undefined) return found;
  if (!isSelfDescribing(envelope) || !Array.isArray(envelope.data)) {
    throw new EventRejected("co/cx must be a self-describing contexts array");
  }
  for (const item of envelope.data) {
    if (isSelfDescribing(item) && typeof item.data === "object" && item.data !== null) {
      found.set(schemaName(item.schema), item.data as Record<string, unknown>);
    }
  }
  return found;
}

/** `iglu:com.gitlab/custom_event/jsonschema/1-0-0` → `custom_event`. */
export function schemaName(schema: string): string {
  // indexOf rather than split: this runs for every context of every event.
  const start = schema.indexOf("/");
  if (start < 0) return schema;
  const end = schema.indexOf("/", start + 1);
  return end < 0 ? schema.slice(start + 1) : schema.slice(start + 1, end);
}
