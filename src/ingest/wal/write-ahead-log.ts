/**
 * The write-ahead log: events are acknowledged only once they are on disk here.
 *
 * Appends go to the open segment file (CSV records of stored events, see event-csv.ts). Group commit:
 * while one synchronous write is in flight, new appends queue up and the next round writes them
 * all and syncs once, so many concurrent requests share one fsync. The batch writer seals the
 * open segment (a new one opens) and bulk-loads sealed segments into the store, then removes
 * them. On start every segment left on disk is sealed again: the store deduplicates by event
 * id, so replaying a segment that was already loaded is harmless.
 *
 * Segments are created ahead of use. After a segment that took many small rounds, the next is
 * filled with zeros for about as much (as PostgreSQL does its WAL files): a synchronous write
 * into blocks that already hold data changes no file metadata, so it flushes only its own
 * pages, whereas an append that grows the file also waits for a journal commit (ext4), which
 * under load waits for whatever the store has written meanwhile. Large rounds (many events per
 * request) share one commit among many events, and zero-filling cost them more than it saved;
 * a few rounds (light traffic) are not worth writing megabytes of zeros for. Such a segment is
 * named `*.z.csv`: its records hold no NUL byte (event-csv.ts), so the first one marks where
 * its data ends. Sealing cuts the zeros off. The cap counts records, not zeros (at most two
 * segments' worth of zeros are on disk besides).
 */
import { constants, mkdirSync, readdirSync, readFileSync, truncateSync } from "node:fs";
import { type FileHandle, link, mkdir, open, unlink } from "node:fs/promises";
import { join } from "node:path";
import { completeRecordsLength } from "../../events/event-csv.js";

export class WalFullError extends Error {
  constructor(
    readonly bytes: number,
    readonly cap: number,
  ) {
    super(
      `write-ahead log holds ${bytes} bytes, at its cap of ${cap}: the store is not keeping up`,
    );
  }
}

export interface Segment {
  path: string;
  bytes: number;
  events: number;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** `NNNNNNNNNNNN.csv`, or `NNNNNNNNNNNN.z.csv` for a segment written into zeros. */
const SEGMENT_NAME = /^(\d{12})(\.z)?\.csv$/;

/** A staging buffer's first size; it grows by doubling when a round holds more. */
const STAGING_BYTES = 1024 * 1024;
/** A buffer grown past this by a burst is not kept for the next round. */
const STAGING_KEPT_BYTES = 8 * 1024 * 1024;

/**
 * O_DSYNC: each write returns only once its data (and the file size) is on disk, as if
 * fdatasync followed it, in one trip to the thread pool instead of two.
 */
const SEGMENT_FLAGS = constants.O_WRONLY | constants.O_DSYNC;

/**
 * At most this many zeros for a new segment, about one segment at the batch writer's default
 * size (16,384 events of ~700 bytes); what a segment holds beyond them is appended.
 */
export const SEGMENT_PREALLOCATED_BYTES = 16 * 1024 * 1024;
const MIB = 1024 * 1024;
/**
 * Zeros are written 16 KiB at a time: Linux caches a file in folios as large as the writes
 * that filled it, and a synchronous write then writes back every folio it touched. Filled 1 MiB
 * at a time, each ~16 KiB write of the log wrote 1 MiB to the disk (64 times its size).
 */
const ZEROS = Buffer.alloc(16 * 1024);
/**
 * Zero-filling writes in flight at once: several run side by side in the thread pool, and
 * the open segment's synchronous writes, which share the pool, do not queue behind many.
 */
const ZERO_WRITES = 8;
/**
 * The next segment is zero-filled when the last one took at least MANY_ROUNDS rounds that
 * averaged less than SMALL_ROUND_BYTES. With single-event requests (~15 KiB rounds) it raised
 * acknowledged events/s by ~5%; with 50-event requests (~350 KiB rounds) it lowered them by ~4%.
 */
const SMALL_ROUND_BYTES = 64 * 1024;
const MANY_ROUNDS = 16;

interface PreparedSegment {
  path: string;
  file: FileHandle;
}

export class WriteAheadLog {
  private file: FileHandle | null = null;
  private current: Segment | null = null;
  /** The next segment, being prepared while the open one takes appends. */
  private next: Promise<PreparedSegment> | null = null;
  /** Writes to the open segment so far. */
  private rounds = 0;
  /** The zeros the next segment is given (see SMALL_ROUND_BYTES); none until a segment closes. */
  private preallocate = 0;
  private nextSequence = 1;
  private readonly sealed: Segment[] = [];
  /**
   * The next round's records, encoded as they are appended: a request's text is garbage as
   * soon as it is queued, instead of waiting for the round in the JS heap (and a round's text
   * joined into one string went to V8's large-object space, freed only by full collections).
   * Two buffers take turns: one is written while the other fills.
   */
  private staging: Buffer = Buffer.allocUnsafeSlow(STAGING_BYTES);
  private spare: Buffer | null = Buffer.allocUnsafeSlow(STAGING_BYTES);
  private pendingBytes = 0;
  /** The round being written: no longer pending, not yet in its segment's size. */
  private writingBytes = 0;
  private pendingEvents = 0;
  private waiters: Waiter[] = [];
  /** Serialises flushes and seals; appends never wait on it directly. */
  private chain: Promise<void> = Promise.resolve();
  private flushScheduled = false;
  private closed = false;
  /** Synchronous (O_DSYNC) writes so far: with group commit, far fewer than appends under load. */
  syncs = 0;

  private constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
  ) {}

  /** Opens the log in `dir`; segments left by an earlier run become sealed, ready to load. */
  static async open(dir: string, maxBytes: number): Promise<WriteAheadLog> {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const wal = new WriteAheadLog(dir, maxBytes);
    const names = readdirSync(dir)
      .filter((n) => SEGMENT_NAME.test(n))
      .sort();
    for (const name of names) {
      const [, sequence, zeroFilled] = SEGMENT_NAME.exec(name) ?? [];
      const path = join(dir, name);
      const bytes = truncateTornTail(path, zeroFilled !== undefined);
      if (bytes === 0) await unlink(path);
      else wal.sealed.push({ path, bytes, events: -1 });
      wal.nextSequence = Number(sequence) + 1;
    }
    return wal;
  }

  /** Bytes held on disk or queued: what the cap is checked against. */
  get bytes(): number {
    return (
      this.sealed.reduce((sum, s) => sum + s.bytes, 0) +
      (this.current?.bytes ?? 0) +
      this.writingBytes +
      this.pendingBytes
    );
  }

  /** Sealed segments not yet loaded. */
  get sealedCount(): number {
    return this.sealed.length;
  }

  /** Events appended to the open segment since it was opened (the writer's size trigger). */
  get openEvents(): number {
    return (this.current?.events ?? 0) + this.pendingEvents;
  }

  /**
   * Appends `lines` (CSV records of `count` events) and resolves once
   * they are durable. Throws WalFullError at once when the log is at its cap.
   */
  append(lines: string, count: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error("write-ahead log is closed"));
    const held = this.bytes;
    // UTF-8 takes at least one byte and at most three per UTF-16 unit: a request that cannot
    // fit is refused before it is encoded; otherwise room for the most, then the real size.
    if (held + lines.length > this.maxBytes)
      return Promise.reject(new WalFullError(held, this.maxBytes));
    this.reserve(lines.length * 3);
    const size = this.staging.write(lines, this.pendingBytes, "utf8");
    if (held + size > this.maxBytes) return Promise.reject(new WalFullError(held, this.maxBytes));
    this.pendingBytes += size;
    this.pendingEvents += count;
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      this.chain = this.chain.then(() => this.flush());
    }
    return done;
  }

  /** Makes room for `bytes` more in the staging buffer. */
  private reserve(bytes: number): void {
    const needed = this.pendingBytes + bytes;
    if (needed <= this.staging.length) return;
    let size = this.staging.length * 2;
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafeSlow(size);
    this.staging.copy(grown, 0, 0, this.pendingBytes);
    this.staging = grown;
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    if (this.pendingBytes === 0) return;
    const written = this.staging;
    const buffer = written.subarray(0, this.pendingBytes);
    const waiters = this.waiters;
    const events = this.pendingEvents;
    this.staging = this.spare ?? Buffer.allocUnsafeSlow(STAGING_BYTES);
    this.spare = null;
    this.waiters = [];
    this.pendingBytes = 0;
    this.pendingEvents = 0;
    let segment: Segment | null = null;
    this.writingBytes = buffer.length;
    try {
      segment = await this.openSegment();
      const file = this.file as FileHandle;
      // A write may write fewer bytes than asked: loop until every byte is durable.
      for (let done = 0; done < buffer.length; ) {
        const at = segment.bytes + done;
        done += (await file.write(buffer, done, buffer.length - done, at)).bytesWritten;
        this.syncs++;
        this.rounds++;
      }
      segment.bytes += buffer.length;
      segment.events += events;
      for (const w of waiters) w.resolve();
    } catch (error) {
      for (const w of waiters) w.reject(error);
      // Whatever part of this write reached the file was never acknowledged: cut it off and
      // start a fresh segment, so later records never follow a torn one.
      if (segment) await this.abandonSegment(segment);
    } finally {
      this.writingBytes = 0;
      this.spare = written.length <= STAGING_KEPT_BYTES ? written : null;
    }
  }

  /** Truncates the open segment to its acknowledged bytes and closes it (sealed if not empty). */
  private async abandonSegment(segment: Segment): Promise<void> {
    let cut = false;
    try {
      await this.file?.truncate(segment.bytes);
      cut = true;
      await this.file?.close();
    } catch {
      // The file may be unusable (disk gone). Not cut, it is left to the recovery at the next
      // start, which cuts torn records (and zeros): loaded now, it would hand them to the store.
    }
    if (!cut) await this.file?.close().catch(() => {});
    else if (segment.bytes > 0) this.sealed.push(segment);
    else await unlink(segment.path).catch(() => {});
    this.current = null;
    this.file = null;
  }

  private async openSegment(): Promise<Segment> {
    if (this.current && this.file) return this.current;
    const prepared = await (this.next ?? this.prepareSegment());
    this.next = null;
    this.file = prepared.file;
    this.current = { path: prepared.path, bytes: 0, events: 0 };
    this.rounds = 0;
    this.prepareNext();
    return this.current;
  }

  /** Starts preparing the segment after the open one; a failure is met by the next open. */
  private prepareNext(): void {
    const next = this.prepareSegment(this.preallocate);
    next.catch(() => {
      if (this.next === next) this.next = null;
    });
    this.next = next;
  }

  /** A new segment file of `preallocate` zeros, durable with its directory entry. */
  private async prepareSegment(preallocate = 0): Promise<PreparedSegment> {
    const sequence = String(this.nextSequence++).padStart(12, "0");
    const path = join(this.dir, `${sequence}${preallocate > 0 ? ".z" : ""}.csv`);
    let file: FileHandle | null = null;
    let created = false;
    try {
      const filling = await open(path, "wx", 0o600);
      created = true;
      try {
        const chunks = Math.ceil(preallocate / ZEROS.length);
        for (let first = 0; first < chunks; first += ZERO_WRITES) {
          const writes = [];
          for (let i = first; i < Math.min(chunks, first + ZERO_WRITES); i++)
            writes.push(filling.write(ZEROS, 0, ZEROS.length, i * ZEROS.length));
          await Promise.all(writes);
        }
        await filling.datasync();
      } finally {
        await filling.close();
      }
      file = await open(path, SEGMENT_FLAGS);
      // The new file's directory entry must be durable too before anything in it is acknowledged.
      const dir = await open(this.dir, "r");
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
      return { path, file };
    } catch (error) {
      // Nothing was written to it: the next round prepares a fresh segment. (A file of that
      // name that was there already is not ours to delete.)
      await file?.close().catch(() => {});
      if (created) await unlink(path).catch(() => {});
      throw error;
    }
  }

  /** Closes the open segment, cutting off its unused zeros (sealed if not empty). */
  private async closeSegment(): Promise<void> {
    if (!this.current || !this.file) return;
    const small = this.current.bytes / this.rounds < SMALL_ROUND_BYTES;
    this.preallocate =
      this.rounds >= MANY_ROUNDS && small
        ? Math.min(SEGMENT_PREALLOCATED_BYTES, Math.ceil((this.current.bytes * 1.25) / MIB) * MIB)
        : 0;
    await this.file.truncate(this.current.bytes);
    await this.file.close();
    if (this.current.bytes > 0) this.sealed.push(this.current);
    else await unlink(this.current.path);
    this.current = null;
    this.file = null;
  }

  /**
   * Closes the open segment after everything appended so far is durable, and returns every
   * sealed segment not yet loaded, oldest first. With `minEvents`, only if the open segment then
   * holds that many events.
   */
  async seal({ minEvents = 0 }: { minEvents?: number } = {}): Promise<Segment[]> {
    const sealing = this.chain.then(async () => {
      // Judged when its turn comes: a seal asked for while another was waiting in line must not
      // close the few events appended after that one as a segment of their own.
      if (this.openEvents < minEvents) return;
      await this.flush();
      await this.closeSegment();
    });
    this.chain = sealing.catch(() => {});
    await sealing;
    return [...this.sealed];
  }

  /** Forgets segments whose events are in the store, and deletes their files. */
  async remove(loaded: readonly Segment[]): Promise<void> {
    for (const segment of loaded) {
      const at = this.sealed.indexOf(segment);
      if (at >= 0) this.sealed.splice(at, 1);
      await unlink(segment.path).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error;
      });
    }
  }

  /**
   * Sets aside a sealed segment the store keeps failing to load, so that the segments behind
   * it load: it moves to `quarantine/` in the log's directory, where it is kept (its events
   * were acknowledged). Moved back into the log's directory, it is loaded at the next start.
   * Returns its new path.
   */
  async quarantine(segment: Segment): Promise<string> {
    const dir = join(this.dir, "quarantine");
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // Segment numbers start again after a restart with an empty log: the time in the name keeps
    // an earlier quarantined file from being replaced (and `link` never replaces one).
    const name = segment.path.slice(segment.path.lastIndexOf("/") + 1);
    const to = join(dir, `${Date.now()}-${name}`);
    await link(segment.path, to);
    await unlink(segment.path);
    for (const d of [dir, this.dir]) {
      const handle = await open(d, "r");
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    const at = this.sealed.indexOf(segment);
    if (at >= 0) this.sealed.splice(at, 1);
    return to;
  }

  /** Seals what is open and refuses further appends. */
  async close(): Promise<Segment[]> {
    // Refused from now on: an append taken while closing would open the prepared segment that
    // is about to be deleted.
    this.closed = true;
    const remaining = await this.seal();
    // The prepared segment holds nothing; a crash before this leaves it for recovery to drop.
    const releasing = this.chain.then(async () => {
      const next = await this.next?.catch(() => null);
      this.next = null;
      if (next) {
        await next.file.close();
        await unlink(next.path);
      }
    });
    this.chain = releasing.catch(() => {});
    await releasing;
    return remaining;
  }
}

/**
 * A crash can leave a torn record at a segment's end (a write that was never acknowledged).
 * Cut the file back to its last whole record so the loader sees only whole events.
 */
function truncateTornTail(path: string, zeroEnded: boolean): number {
  const data = readFileSync(path);
  const keep = completeRecordsLength(data, { zeroEnded });
  if (keep !== data.length) truncateSync(path, keep);
  return keep;
}
