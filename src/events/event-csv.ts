/**
 * The write-ahead log's record format, which is also the stores' bulk-load format: one CSV
 * record per event, columns in EVENT_COLUMNS order. CSV rather than JSON lines because it is
 * half the bytes on disk and DuckDB loads it several times faster. Conventions: an empty
 * unquoted field is NULL, `""` is the empty string, text with `"`, `,`, CR or LF is quoted with
 * `"` doubled; timestamps are epoch milliseconds.
 */
import { EVENT_COLUMN_NAMES, type StoredEvent } from "./event.js";

const NEEDS_QUOTES = /[",\n\r]/;

function field(value: string | number | boolean | null): string {
  if (value === null) return "";
  if (typeof value !== "string") return String(value);
  if (value === "") return '""';
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One event as a CSV record, newline included. */
export function eventToCsv(event: StoredEvent): string {
  let line = "";
  for (let i = 0; i < EVENT_COLUMN_NAMES.length; i++) {
    if (i > 0) line += ",";
    line += field(event[EVENT_COLUMN_NAMES[i] as keyof StoredEvent]);
  }
  return `${line}\n`;
}

/**
 * The length of the longest prefix of `data` that ends at a record boundary: a newline outside
 * quotes. A crash can leave a torn record at a segment's end; recovery cuts it off here.
 */
export function completeRecordsLength(data: Buffer): number {
  let quoted = false;
  let end = 0;
  for (let i = 0; i < data.length; i++) {
    const byte = data[i];
    if (byte === 0x22) quoted = !quoted;
    else if (byte === 0x0a && !quoted) end = i + 1;
  }
  return end;
}
