/**
 * The query path: a Cube query in, a Cube result out. Each stage is a file of its own:
 *
 *   validate.ts  check the JSON against the model → NormalQuery (one per compared range)
 *   plan.ts      choose columns, grouping, order, window columns, zero fill → QueryPlan
 *   sql/render.ts  write the plan as SQL of a dialect, every value bound → RenderedQuery
 *   execute.ts   run it on the store (and answer "Continue wait" when it takes long)
 *   shape.ts     rows → Cube's result (keys, formats, zero fill, annotation)
 *
 * Everything but `execute` is pure and synchronous.
 */
import type { Store } from "../store/store.js";
import { executeQuery } from "./execute.js";
import type { CompiledModel, DialectName } from "./model/member.js";
import type { NormalQuery } from "./normal-query.js";
import { planQuery, type QueryPlan } from "./plan.js";
import { type CubeResult, shapeResult } from "./shape.js";
import { clickhouseDialect } from "./sql/clickhouse-dialect.js";
import type { Dialect } from "./sql/dialect.js";
import { duckdbDialect } from "./sql/duckdb-dialect.js";
import { type RenderedQuery, renderQuery } from "./sql/render.js";
import { normaliseQuery } from "./validate.js";

export const DIALECTS: Readonly<Record<DialectName, Dialect>> = {
  duckdb: duckdbDialect,
  clickhouse: clickhouseDialect,
};

export interface CompiledQuery {
  readonly query: NormalQuery;
  readonly plan: QueryPlan;
  readonly rendered: RenderedQuery;
}

export interface CompileOptions {
  projectId: string;
  dialect: DialectName;
  /** The instant relative date ranges are read at (default: now). */
  now?: number;
  /** Read a rollup when one answers the query (default true; false: always the events). */
  rollups?: boolean;
}

/**
 * Validates, plans and renders one Cube query (several results for a compareDateRange).
 * @example compileQuery(model, { measures: ["TrackedEvents.count"] }, { projectId: "p", dialect: "duckdb" })
 */
export function compileQuery(
  model: CompiledModel,
  raw: unknown,
  options: CompileOptions,
): CompiledQuery[] {
  const now = options.now ?? Date.now();
  // 1. validate and normalise
  const queries = normaliseQuery(model, raw, { now });
  return queries.map((query) => {
    // 2. plan
    const plan = planQuery(query);
    // 3. render SQL for the store's dialect
    const rendered = renderQuery(
      plan,
      DIALECTS[options.dialect],
      options.projectId,
      options.rollups ?? true,
    );
    return { query, plan, rendered };
  });
}

/** Runs compiled queries on the store and shapes Cube's results. */
export async function runCompiled(
  store: Store,
  compiled: readonly CompiledQuery[],
  now = Date.now(),
): Promise<CubeResult[]> {
  return Promise.all(
    compiled.map(async ({ plan, rendered }) => {
      // 4. execute
      const { rows, total } = await executeQuery(store, rendered);
      // 5. shape
      return shapeResult(plan, rows, { dbType: store.dialect, total, now });
    }),
  );
}

export { ModelError, QueryError } from "./errors.js";
export { builtInModel, hasMember, loadModel } from "./model/load-model.js";
export type { CubeResult } from "./shape.js";
