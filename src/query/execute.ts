/**
 * Stage 4, execute: runs rendered SQL on the store, and answers Cube's "Continue wait" for
 * work that outlasts a few seconds. Runs are keyed by project and normalised query, so the
 * client's retry of the same query joins the run already under way (or takes its result).
 */
import type { Row, Store } from "../store/store.js";
import type { RenderedQuery } from "./sql/render.js";

export interface Executed {
  rows: Row[];
  total: number | undefined;
}

/** Runs a query and, when asked, its total row count, side by side. */
export async function executeQuery(store: Store, rendered: RenderedQuery): Promise<Executed> {
  const scope = { projectId: rendered.projectId };
  const [rows, totalRows] = await Promise.all([
    store.query(rendered.sql, rendered.params, scope),
    rendered.total
      ? store.query(rendered.total.sql, rendered.total.params, scope)
      : Promise.resolve(null),
  ]);
  const total = totalRows ? Number(totalRows[0]?.total ?? 0) : undefined;
  return { rows, total };
}

export interface RunnerOptions {
  /** How long a request waits for its result before answering "Continue wait". */
  continueWaitMs: number;
  /** How long a result nobody was waiting for is kept for the client's retry. */
  keepMs: number;
}

interface Run {
  promise: Promise<unknown>;
  waiting: number;
  settled: boolean;
  expires: number;
}

export type RunOutcome<T> = { done: true; value: T } | { done: false };

const MAX_KEPT = 1_000;

export class ContinueWaitRunner {
  private readonly runs = new Map<string, Run>();
  constructor(private readonly options: RunnerOptions) {}

  /**
   * Runs `work` under `key`, or joins the run of the same key. Answers `{done: false}` when
   * it takes longer than `continueWaitMs`; the run goes on and a later call gets its result.
   */
  async run<T>(key: string, work: () => Promise<T>): Promise<RunOutcome<T>> {
    this.prune(Date.now());
    let run = this.runs.get(key);
    if (!run) {
      const created: Run = {
        promise: Promise.resolve(),
        waiting: 0,
        settled: false,
        expires: Infinity,
      };
      created.promise = work().finally(() => {
        created.settled = true;
        // Nobody is waiting: every caller was told to come back, so keep it for the retry.
        if (created.waiting === 0) created.expires = Date.now() + this.options.keepMs;
        else this.runs.delete(key);
      });
      // The outcome is observed by the callers; this only keeps an unobserved failure quiet.
      created.promise.catch(() => {});
      this.runs.set(key, created);
      run = created;
    } else if (run.settled) {
      this.runs.delete(key);
    }
    run.waiting++;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), this.options.continueWaitMs);
    });
    try {
      const first = await Promise.race([run.promise.then(() => "done" as const), timeout]);
      if (first === "timeout") return { done: false };
      return { done: true, value: (await run.promise) as T };
    } finally {
      clearTimeout(timer);
      run.waiting--;
    }
  }

  private prune(now: number): void {
    for (const [key, run] of this.runs) {
      if (run.settled && run.expires < now) this.runs.delete(key);
    }
    if (this.runs.size > MAX_KEPT) {
      for (const [key, run] of this.runs) if (run.settled) this.runs.delete(key);
    }
  }
}
