/**
 * `npm run bench:query`: the query API's speed on a large store.
 *
 * 1. Generates BENCH_EVENTS (default 10 million) events with the traffic generator into a fresh
 *    DuckDB data dir (or reuses BENCH_DATA_DIR when it already holds them, so the costly
 *    generation runs once).
 * 2. Runs every built-in visualization query BENCH_RUNS (default 20) times on the store, after
 *    one warm-up run, and prints p50/p95 per query.
 * 3. Prints the compiler's own time per query: validate + plan + render + shape, no database.
 * Targets: p50 ≤ 150 ms at 10M events; compiler ≤ 1 ms. Each line says what the query read: a
 * rollup of events (the model's pre-aggregations), the sessions rollup or the events;
 * BENCH_ROLLUPS=false reads the events instead of the rollups, for comparison.
 * `-- --store clickhouse` measures ClickHouse instead (CLICKHOUSE_URL, or a throwaway server).
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { generateEvents } from "../generate/generator.js";
import { BUILTIN_QUERIES } from "../query/builtin-queries.js";
import { compileQuery } from "../query/index.js";
import { builtInModel } from "../query/model/load-model.js";
import { shapeResult } from "../query/shape.js";
import { ClickHouseStore } from "../store/clickhouse/clickhouse-store.js";
import { openDuckDb } from "../store/duckdb-database.js";
import { DuckDbStore } from "../store/duckdb-store.js";
import type { Store } from "../store/store.js";
import { clickHouseForBench, storeFlag } from "./bench-store.js";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const COMPILER_RUNS = 2_000;
const PROJECT = "bench";

/** What a query reads: a rollup, the sessions rollup or the events. */
function readsOf(compiled: { rendered: { rollup: string | null; sql: string } }): string {
  if (compiled.rendered.rollup) return `rollup ${compiled.rendered.rollup}`;
  return compiled.rendered.sql.includes("sessions_rollup") ? "sessions rollup" : "events";
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const keep = process.env.BENCH_DATA_DIR;
  const dataDir = keep ?? mkdtempSync(join(tmpdir(), "glimpse-bench-query-"));
  const kind = storeFlag(process.argv.slice(2));
  const clickhouse = kind === "clickhouse" ? await clickHouseForBench() : null;
  const reuse =
    keep !== undefined && (clickhouse !== null || existsSync(join(dataDir, "glimpse.duckdb")));
  const opening = performance.now();
  const store: Store = clickhouse
    ? await ClickHouseStore.open({ url: clickhouse.url, databasePrefix: "glimpse_" })
    : await DuckDbStore.open(
        await openDuckDb(dataDir, { memoryLimit: process.env.BENCH_MEMORY ?? "1GB" }),
      );
  // Includes building rollups that a reused database lacks (or whose definition changed).
  console.log(`store opened in ${((performance.now() - opening) / 1000).toFixed(1)} s`);
  const rollups = process.env.BENCH_ROLLUPS !== "false";
  const label =
    store instanceof ClickHouseStore
      ? `ClickHouse ${store.serverVersion}`
      : `DuckDB, ${process.env.BENCH_THREADS ?? 2} threads`;
  try {
    await store.createProject(PROJECT);
    const stored = await store.countEvents(PROJECT, 0, Date.now() + 86_400_000);
    if (!reuse || stored < EVENTS) {
      if (stored > 0) await store.deleteProject(PROJECT);
      const started = performance.now();
      let done = 0;
      // The generator spreads the events over 90 days before now, with a few bots.
      for (const chunk of generateEvents(
        { projectId: PROJECT, events: EVENTS, days: 90 },
        200_000,
      )) {
        await store.insertEvents(chunk);
        done += chunk.length;
        if (done % 1_000_000 < chunk.length) process.stdout.write(`\rgenerated ${done} events`);
      }
      console.log(
        `\rgenerated ${done} events in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    } else {
      console.log(`reusing ${stored} events in ${dataDir}`);
    }

    const model = builtInModel();
    console.log(`\n${RUNS} runs per query at ${EVENTS} events (${label})\n`);
    console.log(
      "query                        p50 ms   p95 ms   compiler ms   rows  reads (rollup or cube source)",
    );
    const failures: string[] = [];
    for (const [name, query] of Object.entries(BUILTIN_QUERIES)) {
      const options = { projectId: PROJECT, dialect: store.dialect, rollups };
      const [compiled] = compileQuery(model, query, options);
      if (!compiled) throw new Error(`${name} compiled to nothing`);
      const { sql, params } = compiled.rendered;
      const scope = { projectId: PROJECT };
      let rows = await store.query(sql, params, scope);
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now();
        rows = await store.query(sql, params, scope);
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);

      // The compiler alone: every stage but execute, averaged over many runs.
      const now = Date.now();
      const t = performance.now();
      for (let i = 0; i < COMPILER_RUNS; i++) {
        const [c] = compileQuery(model, query, { ...options, now });
        if (c) shapeResult(c.plan, rows, { dbType: store.dialect, now });
      }
      const compilerMs = (performance.now() - t) / COMPILER_RUNS;

      const p50 = percentile(times, 50);
      const p95 = percentile(times, 95);
      if (p50 > 150) failures.push(`${name} p50 ${p50.toFixed(1)} ms`);
      if (compilerMs > 1) failures.push(`${name} compiler ${compilerMs.toFixed(3)} ms`);
      console.log(
        `${name.padEnd(28)} ${p50.toFixed(1).padStart(7)}  ${p95.toFixed(1).padStart(7)}  ${compilerMs
          .toFixed(3)
          .padStart(12)}  ${String(rows.length).padStart(5)}  ${readsOf(compiled)}`,
      );
    }
    console.log(
      failures.length ? `\nover target: ${failures.join("; ")}` : "\nevery query within target",
    );
  } finally {
    await store.close();
    await clickhouse?.close();
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
