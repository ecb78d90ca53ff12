/**
 * The built-in dashboards (`audience`, `behavior`) and visualizations of reference §4, shipped
 * as YAML under `dashboards/builtin/` at the package root and loaded through the same checks
 * as a project's files.
 */
import { fileURLToPath } from "node:url";
import { buildCatalog } from "./catalog.js";
import type { HasMember } from "./check-members.js";
import type { Layout } from "./layout.js";
import type { Catalog } from "./model.js";
import type { SourceLimits } from "./source-files.js";
import { readWorktreeSnapshot } from "./worktree-snapshot.js";

/** This file sits two folders below the package root both as src/dashboards and dist/dashboards. */
export const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export const BUILTIN_ROOT = "dashboards/builtin";

const BUILTIN_LAYOUT: Layout = { dashboardRoots: [BUILTIN_ROOT], funnelRoots: [] };

export async function loadBuiltinCatalog(
  hasMember: HasMember | null,
  limits: SourceLimits,
): Promise<Catalog> {
  const snapshot = await readWorktreeSnapshot(PACKAGE_ROOT, limits, [BUILTIN_ROOT]);
  const catalog = buildCatalog(snapshot, BUILTIN_LAYOUT, {
    hasMember,
    maxAliasCount: limits.maxAliasCount,
    builtins: null,
  });
  return { ...catalog, revision: null };
}
