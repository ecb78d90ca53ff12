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

/**
 * An event every column of which is null/default; decoders fill what they know. Written as one
 * literal in column order so every event shares one object shape (fast to fill and serialise).
 */
export function emptyEvent(
  projectId: string,
  eventId: string,
  collectorTstamp: number,
): StoredEvent {
  return {
    event_id: eventId,
    project_id: projectId,
    event_type: "custom",
    event_name: null,
    custom_props: null,
    user_props: null,
    collector_tstamp: collectorTstamp,
    dvce_created_tstamp: null,
    dvce_sent_tstamp: null,
    derived_tstamp: collectorTstamp,
    user_id: null,
    domain_userid: null,
    anonymous: false,
    session_id: null,
    session_index: null,
    page_url: null,
    page_urlhost: null,
    page_urlpath: null,
    page_urlquery: null,
    page_title: null,
    page_referrer: null,
    refr_urlhost: null,
    utm_source: null,
    utm_medium: null,
    utm_campaign: null,
    utm_term: null,
    utm_content: null,
    useragent: null,
    agent_name: null,
    agent_version: null,
    os_family: null,
    os_name: null,
    os_version: null,
    os_version_major: null,
    device_type: null,
    browser_language: null,
    document_language: null,
    screen_resolution: null,
    viewport_size: null,
    doc_charset: null,
    target_url: null,
    element_id: null,
    ip: null,
    is_bot: false,
    platform: null,
    tracker: null,
  };
}
