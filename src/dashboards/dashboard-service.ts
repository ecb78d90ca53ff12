/**
 * Serves catalogs: resolves a project's ref to a commit on every call (one `git rev-parse`) and
 * builds the catalog of a commit only once, so a new commit is live on the next request and an
 * unchanged one costs nothing more. `WORKTREE` is read afresh each time.
 */

import { loadBuiltinCatalog } from "./builtin-catalog.js";
import { buildCatalog } from "./catalog.js";
import type { HasMember } from "./check-members.js";
import { type FunnelCube, funnelCube } from "./funnel-cube.js";
import { resolveCommit } from "./git.js";
import { readGitSnapshot } from "./git-snapshot.js";
import { PROJECT_LAYOUT } from "./layout.js";
import type { Catalog } from "./model.js";
import { DEFAULT_LIMITS, type SourceLimits, WORKTREE } from "./source-files.js";
import { readWorktreeSnapshot } from "./worktree-snapshot.js";

export interface DashboardServiceOptions {
  /** The data model's members (from the query engine); without it members are not checked. */
  hasMember?: HasMember | null;
  limits?: Partial<SourceLimits>;
}

/** A catalog, or why the repository could not be read (the built-ins are still there). */
export interface CatalogResult {
  catalog: Catalog;
  repositoryError: string | null;
}

/** Commits kept per repository: the live one plus a few recently replaced. */
const COMMITS_KEPT = 4;

export class DashboardService {
  readonly limits: SourceLimits;
  private readonly hasMember: HasMember | null;
  private builtins: Promise<Catalog> | null = null;
  private readonly byCommit = new Map<string, Promise<Catalog>>();

  constructor(options: DashboardServiceOptions = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.hasMember = options.hasMember ?? null;
  }

  builtinCatalog(): Promise<Catalog> {
    this.builtins ??= loadBuiltinCatalog(this.hasMember, this.limits);
    return this.builtins;
  }

  /** The catalog of `repoDir` at `ref` (null: HEAD; `WORKTREE`: uncommitted files). */
  async catalog(repoDir: string | null, ref: string | null): Promise<CatalogResult> {
    const builtins = await this.builtinCatalog();
    if (repoDir === null) {
      return { catalog: { ...builtins, funnels: [], errors: [] }, repositoryError: null };
    }
    try {
      if (ref === WORKTREE) {
        const snapshot = await readWorktreeSnapshot(repoDir, this.limits);
        return { catalog: this.build(snapshot, builtins), repositoryError: null };
      }
      const commit = await resolveCommit(repoDir, ref);
      return { catalog: await this.atCommit(repoDir, commit, builtins), repositoryError: null };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { catalog: { ...builtins, funnels: [], errors: [] }, repositoryError: message };
    }
  }

  /**
   * The cubes a project's valid funnels add to its data model, from the same cached catalog;
   * the query engine compiles them beside the built-in cubes for that project.
   */
  async funnelCubes(repoDir: string | null, ref: string | null): Promise<FunnelCube[]> {
    const { catalog } = await this.catalog(repoDir, ref);
    return catalog.funnels.flatMap((f) =>
      f.definition && f.errors.length === 0 ? [funnelCube(f.definition)] : [],
    );
  }

  private build(snapshot: Parameters<typeof buildCatalog>[0], builtins: Catalog): Catalog {
    return buildCatalog(snapshot, PROJECT_LAYOUT, {
      hasMember: this.hasMember,
      maxAliasCount: this.limits.maxAliasCount,
      builtins,
    });
  }

  private atCommit(repoDir: string, commit: string, builtins: Catalog): Promise<Catalog> {
    const key = `${repoDir}\0${commit}`;
    const cached = this.byCommit.get(key);
    if (cached) {
      // Re-inserting keeps the live commit newest in the map's order.
      this.byCommit.delete(key);
      this.byCommit.set(key, cached);
      return cached;
    }
    const loading = readGitSnapshot(repoDir, commit, this.limits).then((s) =>
      this.build(s, builtins),
    );
    // A failed read is not remembered: the next request tries again.
    loading.catch(() => this.byCommit.delete(key));
    this.byCommit.set(key, loading);
    const ofRepo = [...this.byCommit.keys()].filter((k) => k.startsWith(`${repoDir}\0`));
    for (const old of ofRepo.slice(0, Math.max(0, ofRepo.length - COMMITS_KEPT)))
      this.byCommit.delete(old);
    return loading;
  }
}
