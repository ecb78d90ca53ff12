/**
 * Keeps the event store in step with project metadata: creating a project also prepares its
 * storage (ClickHouse: the project's database), whichever path creates it — admin API,
 * GitLab's configurator, the CLI, the demo project. If the store is unreachable just then, the
 * project is still created: its storage is prepared on its first load or query.
 */
import { type Store, StoreUnavailableError } from "../store/store.js";
import type { Project } from "./project.js";
import type { ProjectRepository, RejectedEvent } from "./repository.js";

export class ProjectsWithStorage implements ProjectRepository {
  constructor(
    private readonly repository: ProjectRepository,
    private readonly store: Store,
  ) {}

  async create(input: Parameters<ProjectRepository["create"]>[0]): Promise<Project> {
    const project = await this.repository.create(input);
    try {
      await this.store.createProject(project.id);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
    }
    return project;
  }

  list = (): Promise<Project[]> => this.repository.list();
  get = (id: string): Promise<Project | null> => this.repository.get(id);
  update: ProjectRepository["update"] = (id, changes) => this.repository.update(id, changes);
  rotateAppId = (id: string): Promise<Project | null> => this.repository.rotateAppId(id);
  delete = (id: string): Promise<boolean> => this.repository.delete(id);
  addRejected = (rows: readonly RejectedEvent[]): Promise<void> =>
    this.repository.addRejected(rows);
  listRejected = (projectId: string, limit: number): Promise<RejectedEvent[]> =>
    this.repository.listRejected(projectId, limit);
}
