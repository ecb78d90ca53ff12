/**
 * Ingestion on every store: write-ahead-log segments in, each event exactly once — replays,
 * duplicates within and across batches, torn and malformed records — values unchanged (quotes,
 * separators, newlines, backslashes, Unicode, NULL against empty), the generator's bulk path,
 * usage counts, and deleting one project without touching another.
 */
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptyEvent, type StoredEvent } from "../../src/events/event.js";
import { derivedTimestamp } from "../../src/ingest/decode/snowplow.js";
import { rowsOf } from "./support/run-query.js";
import { segmentDir, writeSegment } from "./support/segments.js";
import { type OpenedStore, STORE_KINDS } from "./support/stores.js";

const T0 = Date.UTC(2024, 2, 10, 12, 0, 0);
const TRICKY = [
  "plain",
  "",
  'with "quotes", commas',
  "line\nbreak and\r\ncarriage",
  "back\\slash \\' \\n",
  "it's {p1:String} $1",
  "Unicode: 日本語 — ünïcødé 🎉",
  "tab\there\u0001control",
];

function event(project: string, id: string, at = T0, title: string | null = null): StoredEvent {
  const e = emptyEvent(project, id, at);
  e.event_type = "page_view";
  e.page_title = title;
  e.domain_userid = `${project}-visitor`;
  return e;
}

/**
 * `e` with the device's creation and sending times (Snowplow's `dtm`, `stm`) and maybe a true
 * timestamp (`ttm`), its derived time computed as the collector does.
 */
function sentBy(
  e: StoredEvent,
  created: number,
  sent: number | null,
  trueTstamp: number | null = null,
): StoredEvent {
  e.dvce_created_tstamp = created;
  e.dvce_sent_tstamp = sent;
  e.derived_tstamp =
    sent === null
      ? Math.min(created, e.collector_tstamp)
      : derivedTimestamp(e.collector_tstamp, created, sent, trueTstamp);
  return e;
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;

const dir = segmentDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(STORE_KINDS)("$name store", (kind) => {
  let opened: OpenedStore;
  const store = () => opened.store;
  const count = async (project: string) =>
    Number(
      (await rowsOf(store(), project, { measures: ["TrackedEvents.count"] }))[0]?.[
        "TrackedEvents.count"
      ],
    );

  beforeAll(async () => {
    if (kind.skip) return;
    opened = await kind.open();
  });
  afterAll(async () => opened?.dispose());

  describe.skipIf(kind.skip !== null)(
    `ingest${kind.skip ? ` (skipped: ${kind.skip})` : ""}`,
    () => {
      it("loads each event once: replays and duplicates add nothing", async () => {
        await store().createProject("once");
        const batch = Array.from({ length: 50 }, (_, i) => event("once", `e${i}`, T0 + i * 1000));
        const first = writeSegment(dir, batch.slice(0, 30));
        // The second segment repeats ten events of the first, and one of its own.
        const second = writeSegment(dir, [...batch.slice(20), event("once", "e49", T0 + 60_000)]);
        expect(await store().loadSegments([first, second])).toBe(50);
        expect(await count("once")).toBe(50);
        // A crash after the load but before the log was trimmed: the same segments again.
        expect(await store().loadSegments([first, second])).toBe(0);
        expect(await store().loadSegments([second])).toBe(0);
        // A client re-sends an event a minute later (new collector time): still one.
        expect(
          await store().loadSegments([writeSegment(dir, [event("once", "e3", T0 + 60_000)])]),
        ).toBe(0);
        expect(await count("once")).toBe(50);
      });

      it("recognizes a client's re-send hours or a day later, whatever its device times", async () => {
        await store().createProject("resend");
        const load = (events: StoredEvent[]) => store().loadSegments([writeSegment(dir, events)]);
        // Device clocks need not be right: this one is three hours behind ours.
        const behind = 3 * HOUR;
        const created = T0 - behind - 1000;
        const sent = T0 - behind;
        const later = T0 + DAY;
        const cases: [string, StoredEvent, StoredEvent][] = [
          [
            "steady clock",
            sentBy(event("resend", "steady", T0), created, sent),
            sentBy(event("resend", "steady", later), created, later - behind),
          ],
          [
            "clock set back five hours before the re-send",
            sentBy(event("resend", "setback", T0), created, sent),
            sentBy(event("resend", "setback", later), created, later - behind - 5 * HOUR),
          ],
          [
            "created three days before it was first sent (offline)",
            sentBy(event("resend", "offline", T0), created - 3 * DAY, sent),
            sentBy(event("resend", "offline", later), created - 3 * DAY, later - behind),
          ],
          [
            "a true timestamp ten hours ahead of our clock",
            sentBy(event("resend", "ttm", T0), created, sent, T0 + 10 * HOUR),
            sentBy(event("resend", "ttm", later), created, later - behind, T0 + 10 * HOUR),
          ],
          [
            "created ten hours ahead of when it was sent (a clock set back after it)",
            sentBy(event("resend", "clamped", T0), T0 + 10 * HOUR, T0),
            sentBy(event("resend", "clamped", T0 + 3 * HOUR), T0 + 10 * HOUR, T0 + 3 * HOUR),
          ],
          [
            "the same request replayed three hours later",
            sentBy(event("resend", "replayed", T0), created, sent),
            sentBy(event("resend", "replayed", T0 + 3 * HOUR), created, sent),
          ],
          [
            "a creation time only (Jitsu's)",
            sentBy(event("resend", "created-only", T0), created, null),
            sentBy(event("resend", "created-only", later), created, null),
          ],
          ["no device times", event("resend", "untimed", T0), event("resend", "untimed", later)],
        ];
        expect(await load(cases.map(([, first]) => first))).toBe(cases.length);
        // One load per re-send, then all of them with a new event in one batch.
        for (const [name, , resent] of cases) expect(await load([resent]), name).toBe(0);
        const fresh = sentBy(event("resend", "fresh", later), later - behind - 500, later - behind);
        expect(await load([...cases.map(([, , resent]) => resent), fresh])).toBe(1);
        expect(await count("resend")).toBe(cases.length + 1);
      });

      it("keeps every value as sent, NULL apart from the empty string", async () => {
        await store().createProject("values");
        const events = TRICKY.map((title, i) => event("values", `v${i}`, T0 + i * 1000, title));
        events.push(event("values", "vnull", T0, null));
        await store().loadSegments([writeSegment(dir, events)]);
        const rows = await rowsOf(store(), "values", {
          dimensions: ["TrackedEvents.eventId", "TrackedEvents.pageTitle"],
          ungrouped: true,
          limit: 100,
        });
        const got = new Map(
          rows.map((r) => [r["TrackedEvents.eventId"], r["TrackedEvents.pageTitle"]]),
        );
        expect(got).toEqual(new Map(events.map((e) => [e.event_id, e.page_title])));
        for (const title of TRICKY) {
          const filtered = await rowsOf(store(), "values", {
            measures: ["TrackedEvents.count"],
            filters: [{ member: "TrackedEvents.pageTitle", operator: "equals", values: [title] }],
          });
          expect(filtered[0]?.["TrackedEvents.count"], JSON.stringify(title)).toBe("1");
        }
      });

      it("skips a torn last record and a malformed one", async () => {
        await store().createProject("torn");
        const good = [event("torn", "t1"), event("torn", "t2")];
        const path = writeSegment(dir, good, 't3,torn,page_view,"unterminated');
        expect(await store().loadSegments([path])).toBe(2);
        const bad = writeSegment(dir, [event("torn", "t4")], 'x,torn,"a"b,c\n');
        expect(await store().loadSegments([bad])).toBe(1);
        expect(await count("torn")).toBe(3);
      });

      it("bulk-inserts generated events, counts usage, deletes one project only", async () => {
        await store().createProject("bulk");
        await store().createProject("kept");
        await store().insertEvents(
          Array.from({ length: 2000 }, (_, i) =>
            event(i % 2 ? "bulk" : "kept", `b${i}`, T0 + i * 1000),
          ),
        );
        expect(await count("bulk")).toBe(1000);
        expect(await store().countEvents("bulk", T0, T0 + 1000 * 1000)).toBe(500);
        await store().deleteProject("bulk");
        expect(await count("bulk")).toBe(0);
        expect(await count("kept")).toBe(1000);
      });
    },
  );
});
