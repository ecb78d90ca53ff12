/**
 * The write-ahead log's CSV record format: what eventToCsv writes, DuckDB's loader reads back
 * unchanged, and completeRecordsLength cuts a torn tail at a record boundary.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  EVENT_COLUMN_NAMES,
  EVENT_COLUMNS,
  emptyEvent,
  type StoredEvent,
} from "../../src/events/event.js";
import { completeRecordsLength, eventToCsv } from "../../src/events/event-csv.js";
import { openDuckDb } from "../../src/store/duckdb-database.js";
import { DuckDbStore } from "../../src/store/duckdb-store.js";

const AT = Date.UTC(2025, 0, 2, 3, 4, 5, 678);

function event(id: string, columns: Partial<StoredEvent> = {}): StoredEvent {
  return { ...emptyEvent("shop", id, AT), ...columns };
}

/** Every column filled with a value that needs quoting or is easy to get wrong. */
function awkward(id: string): StoredEvent {
  return event(id, {
    event_type: "custom",
    event_name: 'say "hi", then leave',
    custom_props: JSON.stringify({ text: 'a "quoted", comma\nnewline\r\nCRLF', n: 1.5 }),
    user_props: '{"name":"Zoë 漢字 🎉"}',
    dvce_created_tstamp: AT - 5_000,
    dvce_sent_tstamp: AT - 1_000,
    derived_tstamp: AT - 4_000,
    user_id: "",
    domain_userid: "  padded  ",
    anonymous: true,
    session_id: '"',
    session_index: 2_147_483_647,
    page_url: 'https://example.com/a,b?q="x"',
    page_urlhost: "example.com",
    page_urlpath: "/a,b",
    page_urlquery: 'q="x"',
    page_title: "Line one\nLine two",
    page_referrer: "\r",
    refr_urlhost: ",",
    utm_source: "NULL",
    utm_medium: "\\N",
    utm_campaign: "null",
    utm_term: "\t",
    utm_content: " ",
    useragent: "Mozilla/5.0 (X11; Linux x86_64)",
    agent_name: "Chrome",
    agent_version: "0",
    os_family: "true",
    os_name: "1e999",
    os_version: "0001",
    os_version_major: "-0",
    device_type: "desktop",
    browser_language: "\\",
    document_language: '""',
    screen_resolution: "1920x1080",
    viewport_size: "a\u2028b",
    doc_charset: "\u0001",
    target_url: "https://example.com/#",
    element_id: "x'y",
    ip: "203.0.113.0",
    is_bot: true,
    platform: "web",
    tracker: "js-4.3.0",
  });
}

let dir: string;
let store: DuckDbStore;
let segment = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "glimpse-csv-"));
  store = await DuckDbStore.open(await openDuckDb(dir));
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await store.query("DELETE FROM events");
});

/** Writes the events as one segment and loads it the way the batch writer does. */
async function load(events: readonly StoredEvent[]): Promise<number> {
  const file = join(dir, `segment-${++segment}.csv`);
  writeFileSync(file, events.map(eventToCsv).join(""));
  return store.loadSegments([file]);
}

/** Every stored event, as StoredEvents (timestamps back to epoch ms), by event id. */
async function readBack(): Promise<Map<string, StoredEvent>> {
  const select = EVENT_COLUMN_NAMES.map((c) =>
    EVENT_COLUMNS[c] === "timestamp" ? `epoch_ms(${c}) AS ${c}` : c,
  ).join(", ");
  const rows = await store.query(`SELECT ${select} FROM events`);
  const events = new Map<string, StoredEvent>();
  for (const row of rows) {
    const e: Record<string, unknown> = {};
    for (const c of EVENT_COLUMN_NAMES) {
      const value = row[c];
      const type = EVENT_COLUMNS[c];
      e[c] =
        value === null || value === undefined
          ? null
          : type === "timestamp" || type === "integer"
            ? Number(value)
            : value;
    }
    events.set(e.event_id as string, e as StoredEvent);
  }
  return events;
}

describe("round trip through DuckDB's loader", () => {
  it("gives back an event with every awkward value unchanged", async () => {
    const original = awkward("e-1");
    expect(await load([original])).toBe(1);
    expect((await readBack()).get("e-1")).toEqual(original);
  });

  it("keeps the empty string and null apart in every text column", async () => {
    const nulls = event("nulls");
    const empties = event("empties");
    for (const c of EVENT_COLUMN_NAMES) {
      if (EVENT_COLUMNS[c] === "string" || EVENT_COLUMNS[c] === "json") {
        if (c !== "event_id" && c !== "project_id" && c !== "event_type") {
          (empties as Record<string, unknown>)[c] = "";
        }
      }
    }
    expect(await load([nulls, empties])).toBe(2);
    const back = await readBack();
    expect(back.get("nulls")).toEqual(nulls);
    expect(back.get("empties")).toEqual(empties);
  });

  it("writes null as an empty field and the empty string as a quoted one", () => {
    const line = eventToCsv(event("x", { event_name: "", page_title: null }));
    const fields = line.split(",");
    expect(fields[EVENT_COLUMN_NAMES.indexOf("event_name")]).toBe('""');
    expect(fields[EVENT_COLUMN_NAMES.indexOf("page_title")]).toBe("");
    expect(line.endsWith("\n")).toBe(true);
  });

  it("gives back random text in every text column (property)", async () => {
    const text = fc.oneof(
      fc.constant(null),
      fc.constant(""),
      // A leading U+FEFF is the one known loss (see the `fails` test below).
      fc.string({ unit: "grapheme", maxLength: 40 }).filter((s) => !s.startsWith("\ufeff")),
      fc.string({
        unit: fc.constantFrom('"', ",", "\n", "\r", " ", "a", "é", "🎉", "\\", "\0"),
        maxLength: 12,
      }),
    );
    const textColumns = EVENT_COLUMN_NAMES.filter(
      (c) =>
        (EVENT_COLUMNS[c] === "string" || EVENT_COLUMNS[c] === "json") &&
        c !== "event_id" &&
        c !== "project_id" &&
        c !== "event_type",
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...textColumns), text), { maxLength: 12 }),
        fc.integer({ min: 946_684_800_000, max: 4_102_444_800_000 }),
        fc.option(fc.nat({ max: 2_147_483_647 })),
        fc.boolean(),
        async (assignments, created, index, bot) => {
          await store.query("DELETE FROM events");
          const original = event("p-1", {
            dvce_created_tstamp: created,
            session_index: index,
            is_bot: bot,
          });
          const expected = { ...original };
          for (const [column, value] of assignments) {
            (original as Record<string, unknown>)[column] = value;
            // A NUL character comes back as U+FFFD (see the test below).
            (expected as Record<string, unknown>)[column] =
              value?.replaceAll("\0", "\ufffd") ?? null;
          }
          expect(await load([original])).toBe(1);
          expect((await readBack()).get("p-1")).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("keeps a lone CR in a field, and the rest of the segment with it", async () => {
    // DuckDB sniffed the line ending from the first CR it saw, inside a quoted field: the
    // segment failed to load, or (last field quoted) every row of it silently vanished.
    const events = [
      event("cr-1", { page_title: "\r", tracker: "js-4.3.0" }),
      event("cr-2", { event_name: "\r", tracker: "" }),
      event("cr-3", { page_title: "after" }),
    ];
    expect(await load(events)).toBe(3);
    const back = await readBack();
    for (const e of events) expect(back.get(e.event_id)).toEqual(e);
  });

  it.fails("keeps a leading U+FEFF (known: DuckDB's CSV reader strips it from any field)", async () => {
    const original = event("bom", { page_title: "\ufeffTitle" });
    await load([original]);
    expect((await readBack()).get("bom")).toEqual(original);
  });

  it("stores a NUL character as U+FFFD: a record never holds a NUL byte", async () => {
    // The log's pre-zeroed segments end where the first NUL byte is (write-ahead-log.ts).
    const original = event("nul", { page_title: "a\u0000b" });
    const line = eventToCsv(original);
    expect(Buffer.from(line).includes(0)).toBe(false);
    expect(await load([original])).toBe(1);
    const back = (await readBack()).get("nul");
    expect(back?.page_title).toBe("a\ufffdb");
  });

  it("turns a lone surrogate into U+FFFD, as any UTF-8 file must", async () => {
    await load([event("surrogate", { page_title: "a\ud800b" })]);
    expect((await readBack()).get("surrogate")?.page_title).toBe("a\ufffdb");
  });

  it("loads many records of one segment, one row each", async () => {
    const events = Array.from({ length: 200 }, (_, i) =>
      i % 2 ? awkward(`m-${i}`) : event(`m-${i}`, { page_title: `title ${i}\n"${i}"` }),
    );
    expect(await load(events)).toBe(200);
    const back = await readBack();
    for (const e of events) expect(back.get(e.event_id)).toEqual(e);
  });

  it("keeps one of each (project, event id) in a segment, the first one", async () => {
    const events = [
      event("dup", { page_title: "first" }),
      event("other"),
      event("dup", { page_title: "second" }),
      { ...event("dup", { page_title: "another project" }), project_id: "blog" },
      event("dup", { page_title: "third" }),
    ];
    expect(await load(events)).toBe(3);
    const rows = await store.query(
      "SELECT project_id, event_id, page_title FROM events ORDER BY project_id, event_id",
    );
    expect(rows).toEqual([
      { project_id: "blog", event_id: "dup", page_title: "another project" },
      { project_id: "shop", event_id: "dup", page_title: "first" },
      { project_id: "shop", event_id: "other", page_title: null },
    ]);
  });

  it("keeps the first file's copy of an event that two segments of one load hold", async () => {
    const files = ["older", "newer"].map((title) => {
      const file = join(dir, `segment-${++segment}.csv`);
      writeFileSync(file, eventToCsv(event("both", { page_title: title })));
      return file;
    });
    expect(await store.loadSegments(files)).toBe(1);
    const rows = await store.query("SELECT page_title FROM events WHERE event_id = 'both'");
    expect(rows).toEqual([{ page_title: "older" }]);
  });

  it("gives queries DuckDB's configured threads back after a load, also a failed one", async () => {
    const threads = async () =>
      (await store.query("SELECT current_setting('threads')::INTEGER AS n"))[0]?.n;
    expect(await threads()).toBe(2);
    await load([event("threads")]);
    expect(await threads()).toBe(2);
    await expect(store.loadSegments([join(dir, "missing.csv")])).rejects.toThrow();
    expect(await threads()).toBe(2);
  });
});

describe("completeRecordsLength", () => {
  const records = [
    eventToCsv(event("r-1", { page_title: "plain" })),
    eventToCsv(event("r-2", { page_title: "torn\ninside\nquotes", custom_props: '{"a":"b,c"}' })),
    eventToCsv(awkward("r-3")),
  ];
  const whole = Buffer.from(records.join(""), "utf8");
  const boundaries: number[] = [];
  for (const r of records) boundaries.push((boundaries.at(-1) ?? 0) + Buffer.byteLength(r));

  it("keeps complete records whole", () => {
    expect(completeRecordsLength(whole)).toBe(whole.length);
    expect(completeRecordsLength(Buffer.alloc(0))).toBe(0);
  });

  it("cuts a torn record at every possible tear, including inside a quoted newline", () => {
    for (let cut = 0; cut <= whole.length; cut++) {
      const expected = [0, ...boundaries].filter((b) => b <= cut).at(-1);
      expect(completeRecordsLength(whole.subarray(0, cut)), `cut at byte ${cut}`).toBe(expected);
    }
  });

  it("cuts right before a record torn just after a newline inside quotes", () => {
    const second = records[1] as string;
    const tear =
      Buffer.byteLength(records[0] as string) +
      Buffer.byteLength(second.slice(0, second.indexOf("\n") + 1));
    expect(whole[tear - 1]).toBe(0x0a);
    expect(completeRecordsLength(whole.subarray(0, tear))).toBe(boundaries[0]);
  });

  it("leaves a loadable prefix: the complete records load, the torn one does not appear", async () => {
    const torn = whole.subarray(0, (boundaries[1] as number) + 40);
    const file = join(dir, "torn.csv");
    writeFileSync(file, torn.subarray(0, completeRecordsLength(torn)));
    expect(await store.loadSegments([file])).toBe(2);
    expect([...(await readBack()).keys()].sort()).toEqual(["r-1", "r-2"]);
  });
});
