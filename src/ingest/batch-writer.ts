/**
 * The batch writer: moves events from the write-ahead log into the store in large batches —
 * every `intervalMs`, or sooner once the open segment holds `maxEvents` — through the store's
 * bulk path, then trims the log. A failing store is retried with backoff; the log keeps
 * everything meanwhile (and the collector answers 503 once the log reaches its cap).
 *
 * While a load runs, the open segment is sealed each time it reaches `maxEvents`, and one load
 * takes at most `LOAD_BYTES` of segments: the store's memory for a load grows with its size, so
 * a writer that falls behind loads several bounded batches rather than one ever larger one.
 * A failed load halves that budget for the next try (down to one segment) and successes grow it
 * back: a store that runs out of memory on a large backlog catches up in smaller loads instead
 * of failing on the same load forever. A single segment that still fails after
 * `QUARANTINE_AFTER` tries while the next one loads (the store rejects something in it) is set
 * aside in the log's `quarantine/` folder, so that it does not hold back every event behind it.
 */
import { type Store, StoreUnavailableError } from "../store/store.js";
import type { Segment, WriteAheadLog } from "./wal/write-ahead-log.js";

export interface BatchWriterOptions {
  intervalMs: number;
  maxEvents: number;
  /** Called after each load with the number of new events; for logs and tests. */
  onLoaded?: (events: number) => void;
  onError?: (error: unknown) => void;
  /** The first retry's delay after a failed round, doubled for each further one (500 ms). */
  retryMs?: number;
  /** Called when a segment is set aside (its new path and the last error). */
  onQuarantine?: (path: string, error: unknown) => void;
}

/** Failed loads of one segment on its own before it is set aside. */
const QUARANTINE_AFTER = 5;

const MAX_BACKOFF_MS = 30_000;
/**
 * At most this much CSV in one load, unless one segment is larger; a load the store has no
 * memory for is split. DuckDB holds a load's rows in memory (~0.9 KB each), but a load also has
 * a fixed cost (its rollups and sessions upkeep, and the small row group it leaves): against
 * 128 MiB the batched bench peaked ~100 MB lower, and loads of 16 or 24 MiB landed fewer events
 * per second (62–73k against 86–90k) without lowering the peak.
 */
const LOAD_BYTES = 48 * 1024 * 1024;

export class BatchWriter {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private failures = 0;
  private stopped = false;
  private nextRunAt = 0;
  private sealing = false;
  /** The current load budget: LOAD_BYTES, less after failed loads. */
  private loadBytes = LOAD_BYTES;
  /** The size of the load being tried, which a failure halves. */
  private tryingBytes = 0;
  /** Failed loads of a segment on its own, by segment. */
  private readonly aloneFailures = new Map<Segment, number>();

  constructor(
    private readonly wal: WriteAheadLog,
    private readonly store: Store,
    private readonly options: BatchWriterOptions,
  ) {}

  start(): void {
    this.schedule(0);
  }

  /** Asks for an early run when the open segment is big enough (called after appends). */
  nudge(): void {
    if (this.wal.openEvents < this.options.maxEvents) return;
    if (!this.running && this.failures === 0) {
      this.schedule(0);
      return;
    }
    // Loading, or waiting to retry a failed load: seal the segment now so that it stays about
    // `maxEvents` long (a segment is the smallest load, it must stay small enough to load).
    if (this.sealing) return;
    this.sealing = true;
    this.wal
      .seal({ minEvents: this.options.maxEvents })
      .catch(() => {})
      .finally(() => {
        this.sealing = false;
      });
  }

  /** Runs one round now: seal, load everything sealed, trim. Resolves when done. */
  async drain(): Promise<void> {
    while (this.running) await this.running;
    this.running = this.round();
    try {
      await this.running;
    } finally {
      this.running = null;
    }
  }

  /** Stops the timer and loads everything left; the log is closed afterwards by its owner. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    while (this.running) await this.running.catch(() => {});
    await this.round();
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    const at = Date.now() + delay;
    if (this.timer && at >= this.nextRunAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.nextRunAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.running) return this.schedule(this.options.intervalMs);
      this.running = this.round()
        .then(() => {
          this.failures = 0;
        })
        .catch((error) => {
          this.failures++;
          // A smaller load helps a store short of memory, not one that cannot be reached.
          if (!(error instanceof StoreUnavailableError))
            this.loadBytes = Math.max(1, Math.floor(this.tryingBytes / 2));
          this.options.onError?.(error);
        })
        .finally(() => {
          this.running = null;
          const behind = this.wal.sealedCount > 0 || this.wal.openEvents >= this.options.maxEvents;
          const delay =
            this.failures > 0
              ? Math.min(MAX_BACKOFF_MS, (this.options.retryMs ?? 500) * 2 ** this.failures)
              : behind
                ? 0
                : this.options.intervalMs;
          this.schedule(delay);
        });
    }, delay);
    this.timer.unref();
  }

  private async round(): Promise<void> {
    this.tryingBytes = this.loadBytes;
    let segments = await this.wal.seal();
    while (segments.length > 0) {
      let count = 1;
      let bytes = segments[0]?.bytes ?? 0;
      while (count < segments.length && bytes + (segments[count]?.bytes ?? 0) <= this.loadBytes)
        bytes += segments[count++]?.bytes ?? 0;
      const batch = segments.slice(0, count);
      this.tryingBytes = bytes;
      let loaded: number;
      try {
        loaded = await this.store.loadSegments(batch.map((s) => s.path));
      } catch (error) {
        // Set aside, and the next segment loaded in its place.
        if (await this.setAside(batch, segments[1], error)) {
          segments = segments.slice(2);
          continue;
        }
        throw error;
      }
      for (const segment of batch) this.aloneFailures.delete(segment);
      await this.wal.remove(batch);
      this.options.onLoaded?.(loaded);
      this.loadBytes = Math.min(LOAD_BYTES, this.loadBytes * 2);
      segments = segments.slice(batch.length);
    }
  }

  /**
   * After a failed load of one segment on its own: sets it aside once it has failed
   * QUARANTINE_AFTER times and the next segment loads, which shows the store itself is sound
   * (a store out of memory, out of disk or unreachable must not empty the log into quarantine).
   */
  private async setAside(
    batch: readonly Segment[],
    next: Segment | undefined,
    error: unknown,
  ): Promise<boolean> {
    const alone = batch.length === 1 ? batch[0] : undefined;
    if (!alone || !next || error instanceof StoreUnavailableError) return false;
    const tries = (this.aloneFailures.get(alone) ?? 0) + 1;
    this.aloneFailures.set(alone, tries);
    if (tries < QUARANTINE_AFTER) return false;
    const loaded = await this.store.loadSegments([next.path]);
    await this.wal.remove([next]);
    this.options.onLoaded?.(loaded);
    this.aloneFailures.delete(alone);
    this.options.onQuarantine?.(await this.wal.quarantine(alone), error);
    return true;
  }
}
