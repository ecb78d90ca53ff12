/**
 * Reads write-ahead-log segments back into events for stores that load rows rather than files
 * (ClickHouse). The inverse of eventToCsv (src/events/event-csv.ts): an empty unquoted field is
 * NULL, `""` is the empty string, quoted fields double their quotes. A record with the wrong
 * number of fields, or without event or project id, is skipped, as DuckDB's reader skips it.
 */
import { readFile } from "node:fs/promises";
import { EVENT_COLUMN_NAMES, EVENT_COLUMNS, type StoredEvent } from "../../events/event.js";

/**
 * Splits CSV text into records of fields (null: an empty unquoted field). Malformed records
 * (text after a closing quote) and a torn last record are left out.
 */
export function parseCsvRecords(text: string): Array<Array<string | null>> {
  const records: Array<Array<string | null>> = [];
  let fields: Array<string | null> = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    if (text[i] === '"') {
      let out = "";
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q === -1) return records;
        out += text.slice(j, q);
        if (text[q + 1] !== '"') {
          j = q + 1;
          break;
        }
        out += '"';
        j = q + 2;
      }
      fields.push(out);
      i = j;
    } else {
      let j = i;
      while (j < n && text[j] !== "," && text[j] !== "\n") j++;
      fields.push(j === i ? null : text.slice(i, j));
      i = j;
    }
    const c = text[i];
    if (c === ",") {
      i++;
      if (i === n || text[i] === "\n") fields.push(null);
    }
    if (text[i] === "\n") {
      records.push(fields);
      fields = [];
      i++;
    } else if (c !== "," && i < n) {
      const end = text.indexOf("\n", i);
      fields = [];
      i = end === -1 ? n : end + 1;
    }
  }
  return records;
}

function typed(column: (typeof EVENT_COLUMN_NAMES)[number], value: string | null): unknown {
  if (value === null) return null;
  switch (EVENT_COLUMNS[column]) {
    case "timestamp":
    case "integer": {
      const n = Number(value);
      return Number.isFinite(n) ? n : null;
    }
    case "boolean":
      return value === "true";
    default:
      return value;
  }
}

/** The events of one segment's text, in order. */
export function eventsFromCsv(text: string): StoredEvent[] {
  const events: StoredEvent[] = [];
  for (const fields of parseCsvRecords(text)) {
    if (fields.length !== EVENT_COLUMN_NAMES.length) continue;
    const event: Record<string, unknown> = {};
    EVENT_COLUMN_NAMES.forEach((column, k) => {
      event[column] = typed(column, fields[k] ?? null);
    });
    if (event.event_id === null || event.project_id === null) continue;
    if (typeof event.collector_tstamp !== "number" || typeof event.derived_tstamp !== "number")
      continue;
    events.push(event as StoredEvent);
  }
  return events;
}

export async function readSegments(paths: readonly string[]): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (const path of paths) events.push(...eventsFromCsv(await readFile(path, "utf8")));
  return events;
}
