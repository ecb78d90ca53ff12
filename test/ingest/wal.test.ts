import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emptyEvent } from "../../src/events/event.js";
import { eventToCsv } from "../../src/events/event-csv.js";
import { WalFullError, WriteAheadLog } from "../../src/ingest/wal/write-ahead-log.js";
import { tempDirs } from "../helpers/temp-dirs.js";

const freshDir = tempDirs("glimpse-wal-");

const record = (i: number) =>
  eventToCsv(
    emptyEvent("p", `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, 1_700_000_000_000),
  );

describe("write-ahead log", () => {
  it("group commit: many concurrent appends share few fsyncs, and all are on disk", async () => {
    const dir = freshDir();
    const wal = await WriteAheadLog.open(dir, 100_000_000);
    await Promise.all(Array.from({ length: 500 }, (_, i) => wal.append(record(i), 1)));
    expect(wal.syncs).toBeGreaterThan(0);
    expect(wal.syncs).toBeLessThan(50);
    const [segment] = await wal.seal();
    expect(segment).toBeDefined();
    const lines = readFileSync(segment?.path as string, "utf8")
      .trimEnd()
      .split("\n");
    expect(lines).toHaveLength(500);
    expect(new Set(lines).size).toBe(500);
  });

  it("an append resolves only after its data is in the file", async () => {
    const dir = freshDir();
    const wal = await WriteAheadLog.open(dir, 100_000_000);
    await wal.append(record(1), 1);
    // The open segment, and the next one being prepared.
    const [open] = readdirSync(dir).sort();
    expect(readFileSync(join(dir, open as string), "utf8")).toBe(record(1));
  });

  it("zero-fills the next segment after one of many small rounds, and only then", async () => {
    const dir = freshDir();
    const wal = await WriteAheadLog.open(dir, 100_000_000);
    const prepared = () => (wal as unknown as { next: Promise<{ path: string }> }).next;
    // Segment 1: twenty rounds of one record each. Segment 2 was prepared when 1 opened, empty.
    for (let i = 1; i <= 20; i++) await wal.append(record(i), 1);
    await wal.seal();
    // Segment 2 opens, and 3 is prepared with zeros (1 MiB: what 1 held, rounded up).
    await wal.append(record(21), 1);
    const third = (await prepared()).path;
    expect(third.endsWith(".z.csv")).toBe(true);
    const zeros = readFileSync(third);
    expect(zeros.length).toBe(1024 * 1024);
    expect(zeros.every((byte) => byte === 0)).toBe(true);
    // Segment 2 takes two rounds, one of them 256 KiB: the segment after 3 is not zero-filled.
    const big = record(22).repeat(Math.ceil((256 * 1024) / record(22).length));
    await wal.append(big, 1);
    await wal.seal();
    await wal.append(record(23), 1);
    const data = readFileSync(third);
    expect(data.subarray(0, record(23).length).toString()).toBe(record(23));
    expect(data.length).toBe(1024 * 1024);
    expect((await prepared()).path.endsWith(".z.csv")).toBe(false);
    await wal.close();
    // Sealed segments hold their records only; the prepared one is gone.
    const segments = readdirSync(dir).sort();
    expect(segments.map((name) => readFileSync(join(dir, name), "utf8"))).toEqual([
      Array.from({ length: 20 }, (_, i) => record(i + 1)).join(""),
      record(21) + big,
      record(23),
    ]);
    expect(segments[2]?.endsWith(".z.csv")).toBe(true);
  });

  it("seal closes the open segment; the next append opens a new one; remove deletes loaded files", async () => {
    const dir = freshDir();
    const wal = await WriteAheadLog.open(dir, 100_000_000);
    await wal.append(record(1), 1);
    const first = await wal.seal();
    await wal.append(record(2), 1);
    const both = await wal.seal();
    expect(first).toHaveLength(1);
    expect(both).toHaveLength(2);
    expect((both[0]?.path as string) < (both[1]?.path as string)).toBe(true);
    await wal.remove(both.slice(0, 1));
    expect(existsSync(both[0]?.path as string)).toBe(false);
    expect(await wal.seal()).toHaveLength(1);
  });

  it("seals with minEvents only when that many events are open", async () => {
    const wal = await WriteAheadLog.open(freshDir(), 100_000_000);
    await Promise.all([1, 2, 3].map((i) => wal.append(record(i), 1)));
    expect(await wal.seal({ minEvents: 4 })).toEqual([]);
    expect(wal.openEvents).toBe(3);
    expect(await wal.seal({ minEvents: 3 })).toHaveLength(1);
    expect(wal.openEvents).toBe(0);
  });

  it("a seal with minEvents is judged when its turn comes, not when it is asked for", async () => {
    const wal = await WriteAheadLog.open(freshDir(), 100_000_000);
    await Promise.all([1, 2, 3].map((i) => wal.append(record(i), 1)));
    // One event arrives while the first seal is under way (right after it wrote what was open).
    const internals = wal as unknown as { flush: () => Promise<void> };
    const flush = internals.flush.bind(wal);
    let late: Promise<void> | undefined;
    internals.flush = async () => {
      await flush();
      late ??= wal.append(record(4), 1);
    };
    const first = wal.seal();
    // Asked for while three events are open; by its turn only the late one is.
    const second = wal.seal({ minEvents: 3 });
    expect(await first).toHaveLength(1);
    expect(await second).toHaveLength(1);
    await late;
    expect(wal.openEvents).toBe(1);
  });

  it("sealing an empty log leaves no empty segment behind", async () => {
    const dir = freshDir();
    const wal = await WriteAheadLog.open(dir, 100_000_000);
    expect(await wal.seal()).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("keeps every byte, in order, of appends that outgrow its buffers and of multi-byte text", async () => {
    const dir = freshDir();
    const wal = await WriteAheadLog.open(dir, 100_000_000);
    // Rounds larger than the 1 MiB staging buffer (one 3 MiB append, and many small ones in one
    // round), text whose UTF-8 is longer than its UTF-16, and a round after each.
    const big = `${"é€😀".repeat(300_000)}\n`;
    const small = Array.from({ length: 3_000 }, (_, i) => `${i},${"x".repeat(500)},ü\n`);
    const expected = [big, ...small, "after\n"].join("");
    await wal.append(big, 1);
    await Promise.all(small.map((line) => wal.append(line, 1)));
    await wal.append("after\n", 1);
    const [segment] = await wal.seal();
    expect(readFileSync(segment?.path as string, "utf8")).toBe(expected);
    expect(segment?.bytes).toBe(Buffer.byteLength(expected));
    expect(segment?.events).toBe(3_002);
  });

  it("an append refused at the cap leaves nothing of itself in the next round", async () => {
    const dir = freshDir();
    const one = record(1);
    const wal = await WriteAheadLog.open(dir, Buffer.byteLength(one) * 2);
    const first = wal.append(one, 1);
    await expect(wal.append(record(2).repeat(2), 2)).rejects.toBeInstanceOf(WalFullError);
    const second = wal.append(record(3), 1);
    await Promise.all([first, second]);
    const [segment] = await wal.seal();
    expect(readFileSync(segment?.path as string, "utf8")).toBe(one + record(3));
  });

  it("counts the round being written against its cap", async () => {
    const dir = freshDir();
    const one = record(1);
    const wal = await WriteAheadLog.open(dir, Buffer.byteLength(one) * 2 - 1);
    const first = wal.append(one, 1);
    // The round has started (its segment is being opened), so it is no longer pending.
    await Promise.resolve();
    await Promise.resolve();
    await expect(wal.append(record(2), 1)).rejects.toBeInstanceOf(WalFullError);
    await first;
    expect(wal.bytes).toBe(Buffer.byteLength(one));
  });

  it("refuses appends past its cap with WalFullError, and accepts again once trimmed", async () => {
    const dir = freshDir();
    const one = record(1);
    const wal = await WriteAheadLog.open(dir, Buffer.byteLength(one) * 3);
    await wal.append(one, 1);
    await wal.append(one, 1);
    await wal.append(one, 1);
    await expect(wal.append(one, 1)).rejects.toBeInstanceOf(WalFullError);
    await wal.remove(await wal.seal());
    await expect(wal.append(one, 1)).resolves.toBeUndefined();
  });

  it("reopening recovers segments left by a crash and cuts a torn last record", async () => {
    const dir = freshDir();
    const whole = record(1) + record(2);
    writeFileSync(join(dir, "000000000007.csv"), `${whole}${record(3).slice(0, 20)}`);
    writeFileSync(join(dir, "000000000008.csv"), "");
    const wal = await WriteAheadLog.open(dir, 100_000_000);
    const segments = await wal.seal();
    expect(segments.map((s) => s.path)).toEqual([join(dir, "000000000007.csv")]);
    expect(readFileSync(join(dir, "000000000007.csv"), "utf8")).toBe(whole);
    expect(existsSync(join(dir, "000000000008.csv"))).toBe(false);
    // New appends go to a segment numbered after the recovered ones.
    await wal.append(record(4), 1);
    const after = await wal.seal();
    expect(after.at(-1)?.path).toBe(join(dir, "000000000009.csv"));
  });

  // Linux caches a file in folios as large as the writes that filled it, and a synchronous
  // write writes back whole folios: zeros written 1 MiB at a time made each small append write
  // 1 MiB (ext4, Linux 6.18). /proc/self/io counts what this process sends to the disk; where
  // it is missing the test cannot run, and on filesystems or kernels without large folios it
  // passes either way.
  it.skipIf(!existsSync("/proc/self/io"))(
    "writes into a zero-filled segment write back little more than themselves",
    async () => {
      const written = () =>
        Number(/write_bytes: (\d+)/.exec(readFileSync("/proc/self/io", "utf8"))?.[1]);
      const wal = await WriteAheadLog.open(freshDir(), 100_000_000);
      const next = () => (wal as unknown as { next: Promise<{ path: string }> }).next;
      for (let i = 1; i <= 20; i++) await wal.append(record(i), 1);
      await wal.seal();
      await wal.append(record(21), 1);
      await next();
      await wal.seal();
      await wal.append(record(22), 1);
      await next();
      const before = written();
      for (let i = 23; i < 73; i++) await wal.append(record(i), 1);
      const perAppend = (written() - before) / 50;
      expect(perAppend).toBeLessThanOrEqual(64 * 1024);
      await wal.close();
    },
  );

  it("reopening after a crash keeps what an open zero-filled segment holds and drops an unused one", async () => {
    const dir = freshDir();
    const crashed = await WriteAheadLog.open(dir, 100_000_000);
    const prepared = () => (crashed as unknown as { next: Promise<unknown> }).next;
    for (let i = 1; i <= 20; i++) await crashed.append(record(i), 1);
    await crashed.seal();
    await crashed.append(record(21), 1);
    await crashed.seal();
    await crashed.append(record(22), 1);
    await crashed.append(record(23), 1);
    await prepared();
    // Never sealed nor closed, as after a kill: the open segment (3) ends in zeros, and the one
    // prepared next (4) is empty. A torn round reached the file with a page left unwritten: its
    // start, zeros, and then more of it.
    const names = readdirSync(dir).sort();
    expect(names).toHaveLength(4);
    const open = join(dir, names[2] as string);
    expect(open.endsWith(".z.csv")).toBe(true);
    const data = readFileSync(open);
    const end = data.indexOf(0);
    data.write(record(24).slice(0, 30), end);
    data.write(record(25), end + 8192);
    writeFileSync(open, data);
    const wal = await WriteAheadLog.open(dir, 100_000_000);
    const segments = await wal.seal();
    expect(segments.map((s) => s.path)).toEqual(names.slice(0, 3).map((n) => join(dir, n)));
    expect(readFileSync(open, "utf8")).toBe(record(22) + record(23));
    expect(existsSync(join(dir, names[3] as string))).toBe(false);
  });

  it("keeps a NUL character that a segment of an earlier version holds", async () => {
    const dir = freshDir();
    // Before zero-filled segments, a NUL character was written as is.
    const earlier = `${record(1).slice(0, -1)}\u0000x\n${record(2)}`;
    writeFileSync(join(dir, "000000000003.csv"), earlier);
    const wal = await WriteAheadLog.open(dir, 100_000_000);
    const [segment] = await wal.seal();
    expect(segment?.bytes).toBe(Buffer.byteLength(earlier));
    expect(readFileSync(join(dir, "000000000003.csv"), "utf8")).toBe(earlier);
  });

  it("refuses appends after close", async () => {
    const wal = await WriteAheadLog.open(freshDir(), 100_000_000);
    await wal.close();
    await expect(wal.append(record(1), 1)).rejects.toThrow(/closed/);
  });
});
