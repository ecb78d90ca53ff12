/**
 * The Cube-compatible query API as the UI uses it: a short-lived token per project (asked of
 * the service, renewed before it runs out or when the key was regenerated), `/load` retried
 * while the service answers "Continue wait", and `/meta` cached per project.
 */
import { api } from "./glimpse";
import { ApiError, requestJson } from "./http";
import type { CubeQuery, CubeResult, Meta } from "./types";

const tokens = new Map<string, { token: string; renewAt: number }>();
const metas = new Map<string, Promise<Meta>>();

async function tokenFor(projectId: string, fresh = false): Promise<string> {
  const cached = tokens.get(projectId);
  if (!fresh && cached && cached.renewAt > Date.now()) return cached.token;
  const { token, expiresAt } = await api.queryToken(projectId);
  const lifetime = new Date(expiresAt).getTime() - Date.now();
  tokens.set(projectId, { token, renewAt: Date.now() + lifetime * 0.8 });
  return token;
}

/** Calls the query API, renewing the token once when it is refused. */
async function withToken<T>(projectId: string, call: (token: string) => Promise<T>): Promise<T> {
  try {
    return await call(await tokenFor(projectId));
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 403) throw error;
    return call(await tokenFor(projectId, true));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface LoadOptions {
  /** Stops retrying when the panel goes away. */
  signal?: AbortSignal;
  /** Longest wait in all for "Continue wait" (default 2 minutes). */
  maxWaitMs?: number;
}

export async function loadQuery(
  projectId: string,
  query: CubeQuery,
  options: LoadOptions = {},
): Promise<CubeResult> {
  const deadline = Date.now() + (options.maxWaitMs ?? 120_000);
  let delay = 250;
  for (;;) {
    const answer = await withToken(projectId, (token) =>
      requestJson<{ error?: string; results?: CubeResult[] }>("/cubejs-api/v1/load", {
        method: "POST",
        headers: { authorization: token },
        body: { query, queryType: "multi" },
      }),
    );
    if (answer.error === "Continue wait") {
      if (options.signal?.aborted) throw new Error("cancelled");
      if (Date.now() > deadline) throw new Error("The query took too long; try a shorter range");
      await sleep(delay);
      delay = Math.min(delay * 2, 2000);
      continue;
    }
    const result = answer.results?.[0];
    if (!result) throw new Error(answer.error ?? "the query API gave no result");
    return result;
  }
}

export function loadMeta(projectId: string): Promise<Meta> {
  let meta = metas.get(projectId);
  if (!meta) {
    meta = withToken(projectId, (token) =>
      requestJson<Meta>("/cubejs-api/v1/meta", { headers: { authorization: token } }),
    );
    meta.catch(() => metas.delete(projectId));
    metas.set(projectId, meta);
  }
  return meta;
}
