/**
 * Resolves ingestion keys to projects on the hot path without a database round trip: the
 * project list is cached in memory and reloaded after any change made through this process.
 * With metadata shared by several processes (PostgreSQL), changes made elsewhere are picked up
 * within `maxAgeMs`, and an unknown key reloads the list (at most every `missReloadMs`).
 */
import type { Project } from "./project.js";
import type { ProjectRepository } from "./repository.js";

export class ProjectDirectory {
  private byApp: Promise<Map<string, Project>> | null = null;
  private loadedAt = 0;

  constructor(
    private readonly repository: ProjectRepository,
    private readonly options: { maxAgeMs: number; missReloadMs: number } = {
      maxAgeMs: 5_000,
      missReloadMs: 500,
    },
  ) {}

  private load(): Promise<Map<string, Project>> {
    if (!this.byApp || Date.now() - this.loadedAt > this.options.maxAgeMs) {
      this.loadedAt = Date.now();
      const loading = this.repository.list().then((all) => new Map(all.map((p) => [p.appId, p])));
      loading.catch(() => {
        if (this.byApp === loading) this.byApp = null;
      });
      this.byApp = loading;
    }
    return this.byApp;
  }

  async byAppId(appId: string): Promise<Project | null> {
    const found = (await this.load()).get(appId);
    if (found || Date.now() - this.loadedAt < this.options.missReloadMs) return found ?? null;
    // Perhaps created by another process since the list was read.
    this.invalidate();
    return (await this.load()).get(appId) ?? null;
  }

  /** Call after creating, deleting or re-keying a project. */
  invalidate(): void {
    this.byApp = null;
  }
}
