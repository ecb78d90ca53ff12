/**
 * The batch writer: moves events from the write-ahead log into the store in large batches —
 * every `intervalMs`, or sooner once the open segment holds `maxEvents` — through the store's
 * bulk path, then trims the log. A failing store is retried with backoff; the log keeps
 * everything meanwhile (and the collector answers 503 once the log reaches its cap).
 */
import type { Store } from "../store/store.js";
import type { WriteAheadLog } from "./wal/write-ahead-log.js";

export interface BatchWriterOptions {
  intervalMs: number;
  maxEvents: number;
  /** Called after each load with the number of new events; for logs and tests. */
  onLoaded?: (events: number) => void;
  onError?: (error: unknown) => void;
}

const MAX_BACKOFF_MS = 30_000;
/** Segments loaded in one statement when the writer is behind. */
const SEGMENTS_PER_LOAD = 16;

export class BatchWriter {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private failures = 0;
  private stopped = false;
  private nextRunAt = 0;

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
    if (this.wal.openEvents >= this.options.maxEvents && !this.running && this.failures === 0)
      this.schedule(0);
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
          this.options.onError?.(error);
        })
        .finally(() => {
          this.running = null;
          const backoff =
            this.failures === 0
              ? this.options.intervalMs
              : Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.failures);
          this.schedule(backoff);
        });
    }, delay);
    this.timer.unref();
  }

  private async round(): Promise<void> {
    let segments = await this.wal.seal();
    while (segments.length > 0) {
      const batch = segments.slice(0, SEGMENTS_PER_LOAD);
      const loaded = await this.store.loadSegments(batch.map((s) => s.path));
      await this.wal.remove(batch);
      this.options.onLoaded?.(loaded);
      segments = segments.slice(batch.length);
    }
  }
}
