/**
 * The ClickHouse table layout: one database per project (`<prefix><project id>`), holding one
 * `events` table whose columns follow EVENT_COLUMNS (src/events/event.ts).
 *
 *   ENGINE ReplacingMergeTree(_first_seen)    duplicates of an event id collapse to one row,
 *                                             the first collected (largest _first_seen)
 *   PARTITION BY toYYYYMM(derived_tstamp)     a month per partition: date ranges prune them
 *   ORDER BY (toDate(derived_tstamp),         the common queries are a project's time series,
 *             event_type, event_id)           then by event type; event_id makes the key unique
 *
 * Timestamps are `DateTime('UTC')`, whole seconds: 18.16 has no DateTime64, and one layout for
 * every server version keeps results alike. Booleans are UInt8 (18.16 has no Bool).
 */
import { EVENT_COLUMN_NAMES, EVENT_COLUMNS, type EventColumn } from "../../events/event.js";
import { identifier } from "../../query/sql/clickhouse-bind.js";

const NOT_NULL: ReadonlySet<EventColumn> = new Set([
  "event_id",
  "project_id",
  "event_type",
  "collector_tstamp",
  "derived_tstamp",
  "anonymous",
  "is_bot",
]);

const TYPES = {
  string: "String",
  json: "String",
  timestamp: "DateTime('UTC')",
  integer: "Int32",
  boolean: "UInt8",
} as const;

export function columnType(column: EventColumn): string {
  const type = TYPES[EVENT_COLUMNS[column]];
  return NOT_NULL.has(column) || type === "UInt8" ? type : `Nullable(${type})`;
}

export function createDatabaseSql(database: string): string {
  return `CREATE DATABASE IF NOT EXISTS ${identifier(database)}`;
}

export function createEventsTableSql(database: string): string {
  const columns = EVENT_COLUMN_NAMES.map((c) => `${c} ${columnType(c)}`);
  // An earlier collection time is a larger version, so merges keep the first copy of an event.
  columns.push("_first_seen UInt32 MATERIALIZED 4294967295 - toUInt32(collector_tstamp)");
  return (
    `CREATE TABLE IF NOT EXISTS ${identifier(database)}.events (${columns.join(", ")}) ` +
    "ENGINE = ReplacingMergeTree(_first_seen) PARTITION BY toYYYYMM(derived_tstamp) " +
    "ORDER BY (toDate(derived_tstamp), event_type, event_id)"
  );
}

/** DateTime's range: 1970 to 2106 (seconds in a UInt32). */
const MAX_SECONDS = 4_294_967_295;

/**
 * `2024-03-01 10:00:00`: how DateTime columns take a UTC epoch-ms value. Milliseconds are
 * dropped; a device clock outside DateTime's range is clamped to it.
 */
export function dateTimeText(ms: number): string {
  const seconds = Math.min(MAX_SECONDS, Math.max(0, Math.floor(ms / 1000)));
  return new Date(seconds * 1000).toISOString().slice(0, 19).replace("T", " ");
}

/** An event as a JSONEachRow object for the events table. */
export function toRow(event: Readonly<Record<EventColumn, unknown>>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const column of EVENT_COLUMN_NAMES) {
    const value = event[column];
    const kind = EVENT_COLUMNS[column];
    if (value === null || value === undefined) row[column] = kind === "boolean" ? 0 : null;
    else if (kind === "timestamp") row[column] = dateTimeText(value as number);
    else if (kind === "boolean") row[column] = value ? 1 : 0;
    else row[column] = value;
  }
  return row;
}
