/**
 * Resolves ingestion keys to projects on the hot path without a database round trip: the
 * project list is cached in memory and reloaded after any change made through this process.
 */
import type { Project } from "./project.js";
import type { ProjectRepository } from "./repository.js";

export class ProjectDirectory {
  private byApp: Promise<Map<string, Project>> | null = null;

  constructor(private readonly repository: ProjectRepository) {}

  async byAppId(appId: string): Promise<Project | null> {
    this.byApp ??= this.repository.list().then((all) => new Map(all.map((p) => [p.appId, p])));
    return (await this.byApp).get(appId) ?? null;
  }

  /** Call after creating, deleting or re-keying a project. */
  invalidate(): void {
    this.byApp = null;
  }
}
