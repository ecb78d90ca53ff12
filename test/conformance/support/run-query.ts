/** Runs a Cube query on a store the way the query API does: compile for its dialect, run, shape. */
import { type CubeResult, compileQuery, runCompiled } from "../../../src/query/index.js";
import { builtInModel } from "../../../src/query/model/load-model.js";
import type { CompiledModel } from "../../../src/query/model/member.js";
import type { Store } from "../../../src/store/store.js";
import { NOW } from "../../query/support/dataset.js";

const model = builtInModel();

export type DataRow = Record<string, string | boolean | null>;

export async function runQuery(
  store: Store,
  projectId: string,
  query: unknown,
  withModel: CompiledModel = model,
): Promise<CubeResult[]> {
  const compiled = compileQuery(withModel, query, {
    projectId,
    dialect: store.dialect,
    now: NOW,
  });
  return runCompiled(store, compiled, NOW);
}

/** The rows of a single-result query. */
export async function rowsOf(store: Store, projectId: string, query: unknown): Promise<DataRow[]> {
  const [result] = await runQuery(store, projectId, query);
  return (result?.data ?? []) as DataRow[];
}
