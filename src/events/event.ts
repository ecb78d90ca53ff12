/**
 * The canonical event: what every protocol decoder and the enricher produce, what the
 * write-ahead log holds (one JSON line per event) and what the store keeps (one row per event).
 * Close to Snowplow's canonical event, with the columns the data model (reference section 5) needs.
 */

/** Column types as the stores understand them. */
export type ColumnType = "string" | "json" | "timestamp" | "integer" | "boolean";

/**
 * The stored columns, in table order. This list is the single source of truth for the table
 * layout of every store and for the WAL line format (timestamps travel as epoch milliseconds).
 */
export const EVENT_COLUMNS = {
  event_id: "string",
  project_id: "string",
  event_type: "string",
  event_name: "string",
  custom_props: "json",
  user_props: "json",
  collector_tstamp: "timestamp",
  dvce_created_tstamp: "timestamp",
  dvce_sent_tstamp: "timestamp",
  derived_tstamp: "timestamp",
  user_id: "string",
  domain_userid: "string",
  anonymous: "boolean",
  session_id: "string",
  session_index: "integer",
  page_url: "string",
  page_urlhost: "string",
  page_urlpath: "string",
  page_urlquery: "string",
  page_title: "string",
  page_referrer: "string",
  refr_urlhost: "string",
  utm_source: "string",
  utm_medium: "string",
  utm_campaign: "string",
  utm_term: "string",
  utm_content: "string",
  useragent: "string",
  agent_name: "string",
  agent_version: "string",
  os_family: "string",
  os_name: "string",
  os_version: "string",
  os_version_major: "string",
  device_type: "string",
  browser_language: "string",
  document_language: "string",
  screen_resolution: "string",
  viewport_size: "string",
  doc_charset: "string",
  target_url: "string",
  element_id: "string",
  ip: "string",
  is_bot: "boolean",
  platform: "string",
  tracker: "string",
} as const satisfies Record<string, ColumnType>;

export type EventColumn = keyof typeof EVENT_COLUMNS;

type ValueOf<T extends ColumnType> = T extends "timestamp" | "integer"
  ? number
  : T extends "boolean"
    ? boolean
    : string;

/**
 * A stored event. Optional string columns are `null` when unknown; timestamps are epoch ms (UTC).
 */
export type StoredEvent = {
  [K in EventColumn]: (typeof EVENT_COLUMNS)[K] extends "timestamp" | "integer"
    ? K extends "collector_tstamp" | "derived_tstamp"
      ? number
      : number | null
    : K extends "event_id" | "project_id" | "event_type" | "anonymous" | "is_bot"
      ? ValueOf<(typeof EVENT_COLUMNS)[K]>
      : ValueOf<(typeof EVENT_COLUMNS)[K]> | null;
};

/** Event types the collector accepts; anything else is rejected with a reason. */
export const EVENT_TYPES = [
  "page_view",
  "page_ping",
  "custom",
  "link_click",
  "structured",
  "identify",
  "transaction",
  "transaction_item",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const EVENT_COLUMN_NAMES = Object.keys(EVENT_COLUMNS) as EventColumn[];

/** An event every column of which is null/default; decoders fill what they know. */
export function emptyEvent(projectId: string, eventId: string, collectorTstamp: number): StoredEvent {
  const event: Record<string, unknown> = {};
  for (const name of EVENT_COLUMN_NAMES) event[name] = null;
  event.event_id = eventId;
  event.project_id = projectId;
  event.event_type = "custom";
  event.anonymous = false;
  event.is_bot = false;
  event.collector_tstamp = collectorTstamp;
  event.derived_tstamp = collectorTstamp;
  return event as StoredEvent;
}
