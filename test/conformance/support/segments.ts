/** Writes events as write-ahead-log segments (the collector's CSV records) for loadSegments. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StoredEvent } from "../../../src/events/event.js";
import { eventToCsv } from "../../../src/events/event-csv.js";

export function segmentDir(): string {
  return mkdtempSync(join(tmpdir(), "glimpse-segments-"));
}

let counter = 0;

/** One segment file holding `events` (plus `extra` raw text, e.g. a torn record); its path. */
export function writeSegment(dir: string, events: readonly StoredEvent[], extra = ""): string {
  const path = join(dir, `segment-${String(++counter).padStart(6, "0")}.csv`);
  writeFileSync(path, events.map(eventToCsv).join("") + extra);
  return path;
}
