/**
 * The Snowplow tracker protocol as GitLab's SDK speaks it: schema names, self-describing JSON,
 * and the tp2 request body. Pure functions shared by the browser and Node trackers.
 *
 * @example
 * payloadBody([{ e: "ue", ue_pr: unstructParam(customEvent("signup", { plan: "pro" })) }], Date.now());
 */

/** One event: Snowplow's short parameters (`e`, `eid`, `aid`, ...), every value a string. */
export type TrackerEvent = Record<string, string>;

export interface SelfDescribingJson {
  schema: string;
  data: unknown;
}

const SP = "iglu:com.snowplowanalytics.snowplow/";
export const PAYLOAD_DATA = `${SP}payload_data/jsonschema/1-0-4`;
export const CONTEXTS = `${SP}contexts/jsonschema/1-0-0`;
export const UNSTRUCT_EVENT = `${SP}unstruct_event/jsonschema/1-0-0`;
export const WEB_PAGE = `${SP}web_page/jsonschema/1-0-0`;
export const BROWSER_CONTEXT = `${SP}browser_context/jsonschema/2-0-0`;
export const LINK_CLICK = `${SP}link_click/jsonschema/1-0-1`;
export const APPLICATION_ERROR = `${SP}application_error/jsonschema/1-0-2`;
export const CLIENT_HINTS = "iglu:org.ietf/http_client_hints/jsonschema/1-0-0";
export const PERFORMANCE_TIMING = "iglu:org.w3/PerformanceTiming/jsonschema/1-0-0";
export const CUSTOM_EVENT = "iglu:com.gitlab/custom_event/jsonschema/1-0-0";
export const USER_CONTEXT = "iglu:com.gitlab/user_context/jsonschema/1-0-0";

/** The collector path trackers POST batches to. */
export const TP2_PATH = "/com.snowplowanalytics.snowplow/tp2";

/** `ue_pr`: a self-describing event wrapped in Snowplow's unstruct_event envelope, as JSON. */
export function unstructParam(event: SelfDescribingJson): string {
  return JSON.stringify({ schema: UNSTRUCT_EVENT, data: event });
}

/** `co`: contexts as plain JSON (GitLab's SDK never base64-encodes them). */
export function contextsParam(contexts: SelfDescribingJson[]): string {
  return JSON.stringify({ schema: CONTEXTS, data: contexts });
}

/** GitLab's custom event: `track(name, props)`. */
export function customEvent(name: string, props: Record<string, unknown> = {}): SelfDescribingJson {
  return { schema: CUSTOM_EVENT, data: { name, props } };
}

/** GitLab's user attributes, sent as a context with every event after `identify()`. */
export function userContext(attributes: Record<string, unknown>): SelfDescribingJson {
  return { schema: USER_CONTEXT, data: attributes };
}

export interface LinkClick {
  targetUrl: string;
  elementId: string;
  elementClasses: string[];
  elementTarget: string;
}

export function linkClick(link: LinkClick): SelfDescribingJson {
  return { schema: LINK_CLICK, data: link };
}

/** What Snowplow's `trackError` takes. */
export interface ErrorEventProperties {
  message: string;
  filename?: string;
  lineno?: number;
  colno?: number;
  error?: unknown;
  context?: SelfDescribingJson[];
}

/** Snowplow's application_error event; message and stack cut to the schema's limits. */
export function applicationError(e: ErrorEventProperties): SelfDescribingJson {
  const stack = (e.error as { stack?: unknown } | undefined)?.stack;
  return {
    schema: APPLICATION_ERROR,
    data: {
      programmingLanguage: "JAVASCRIPT",
      message: (e.message || "JS Exception. Browser security may hide the message.").slice(0, 2048),
      stackTrace: typeof stack === "string" ? stack.slice(0, 8192) : null,
      lineNumber: e.lineno ?? null,
      lineColumn: e.colno ?? null,
      fileName: e.filename?.slice(0, 1024) ?? null,
    },
  };
}

/** The tp2 POST body for a batch; `stm` (device sent time) is stamped on each event now. */
export function payloadBody(events: TrackerEvent[], now: number): string {
  const stm = String(now);
  return JSON.stringify({ schema: PAYLOAD_DATA, data: events.map((e) => ({ ...e, stm })) });
}

/** `host` as GitLab's SDK takes it (with or without a scheme) → the collector's base URL. */
export function collectorUrl(host: string): string {
  const base = /^https?:\/\//i.test(host) ? host : `https://${host}`;
  return base.replace(/\/+$/, "");
}
