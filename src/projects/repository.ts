/**
 * Project metadata, kept in the embedded DuckDB database (tables `projects` and
 * `rejected_events`), behind an interface so a shared PostgreSQL can take its place.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { type DuckDb, FatalWatch } from "../store/duckdb-database.js";
import { newAppId, type Project } from "./project.js";

export interface RejectedEvent {
  projectId: string;
  receivedAt: string;
  reason: string;
  payload: string;
}

export interface ProjectRepository {
  list(): Promise<Project[]>;
  get(id: string): Promise<Project | null>;
  create(input: {
    id: string;
    name?: string | undefined;
    repository?: string | null | undefined;
  }): Promise<Project>;
  update(
    id: string,
    changes: Partial<Pick<Project, "name" | "repository" | "dashboardsRef">>,
  ): Promise<Project | null>;
  rotateAppId(id: string): Promise<Project | null>;
  delete(id: string): Promise<boolean>;
  addRejected(rows: readonly RejectedEvent[]): Promise<void>;
  listRejected(projectId: string, limit: number): Promise<RejectedEvent[]>;
}

/** Dead-letter rows kept per project (the newest). */
export const MAX_REJECTED_PER_PROJECT = 10_000;

export class ProjectExistsError extends Error {
  constructor(id: string) {
    super(`project ${id} already exists`);
  }
}

interface ProjectRow {
  id: string;
  name: string;
  app_id: string;
  repository: string | null;
  dashboards_ref: string | null;
  created_at: string;
}

/** DuckDB's TIMESTAMP text (UTC, "2026-01-01 10:00:00") as ISO 8601. */
const utcIso = (text: string) => new Date(`${text.replace(" ", "T")}Z`).toISOString();

const toProject = (r: ProjectRow): Project => ({
  id: r.id,
  name: r.name,
  appId: r.app_id,
  repository: r.repository,
  dashboardsRef: r.dashboards_ref,
  createdAt: utcIso(r.created_at),
});

export class DuckDbProjectRepository implements ProjectRepository {
  private constructor(
    private readonly connection: DuckDBConnection,
    private readonly watch: FatalWatch,
  ) {}

  /** `watch` is shared with whatever else uses the instance (the event store). */
  static async open(
    instance: DuckDb,
    watch: FatalWatch = new FatalWatch(),
  ): Promise<DuckDbProjectRepository> {
    const db = await instance.connect();
    await db.run(`CREATE TABLE IF NOT EXISTS projects (
      id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, app_id VARCHAR NOT NULL UNIQUE,
      repository VARCHAR, dashboards_ref VARCHAR, created_at TIMESTAMP NOT NULL)`);
    await db.run(`CREATE TABLE IF NOT EXISTS rejected_events (
      project_id VARCHAR NOT NULL, received_at TIMESTAMP NOT NULL, reason VARCHAR NOT NULL,
      payload VARCHAR NOT NULL)`);
    return new DuckDbProjectRepository(db, watch);
  }

  /** Closes its connection (the instance's owner closes the instance). */
  close(): void {
    this.connection.closeSync();
  }

  // Every statement goes through these two, so that a fatal DuckDB error is told to the watch.
  private async run(sql: string, params: (string | number | null)[] = []): Promise<void> {
    try {
      await this.connection.run(sql, params);
    } catch (error) {
      throw this.watch.check(error);
    }
  }

  private async read(sql: string, params: (string | number | null)[] = []): Promise<unknown[]> {
    try {
      return (await this.connection.runAndReadAll(sql, params)).getRowObjectsJson();
    } catch (error) {
      throw this.watch.check(error);
    }
  }

  private async rows(sql: string, params: (string | number | null)[] = []): Promise<ProjectRow[]> {
    return (await this.read(sql, params)) as ProjectRow[];
  }

  async list(): Promise<Project[]> {
    return (await this.rows("SELECT * FROM projects ORDER BY id")).map(toProject);
  }

  async get(id: string): Promise<Project | null> {
    const [row] = await this.rows("SELECT * FROM projects WHERE id = $1", [id]);
    return row ? toProject(row) : null;
  }

  async create(input: {
    id: string;
    name?: string | undefined;
    repository?: string | null | undefined;
  }): Promise<Project> {
    if (await this.get(input.id)) throw new ProjectExistsError(input.id);
    try {
      await this.run("INSERT INTO projects VALUES ($1, $2, $3, $4, NULL, now()::TIMESTAMP)", [
        input.id,
        input.name ?? input.id,
        newAppId(),
        input.repository ?? null,
      ]);
    } catch (error) {
      // A concurrent create of the same id won between the check above and this insert.
      if (/Duplicate key "id: /.test(String((error as Error).message)))
        throw new ProjectExistsError(input.id);
      throw error;
    }
    return (await this.get(input.id)) as Project;
  }

  async update(
    id: string,
    changes: Partial<Pick<Project, "name" | "repository" | "dashboardsRef">>,
  ): Promise<Project | null> {
    const current = await this.get(id);
    if (!current) return null;
    const next = { ...current, ...changes };
    await this.run(
      "UPDATE projects SET name = $2, repository = $3, dashboards_ref = $4 WHERE id = $1",
      [id, next.name, next.repository, next.dashboardsRef],
    );
    return this.get(id);
  }

  async rotateAppId(id: string): Promise<Project | null> {
    await this.run("UPDATE projects SET app_id = $2 WHERE id = $1", [id, newAppId()]);
    return this.get(id);
  }

  async delete(id: string): Promise<boolean> {
    const found = await this.get(id);
    if (!found) return false;
    await this.run("DELETE FROM rejected_events WHERE project_id = $1", [id]);
    await this.run("DELETE FROM projects WHERE id = $1", [id]);
    return true;
  }

  async addRejected(rows: readonly RejectedEvent[]): Promise<void> {
    if (rows.length === 0) return;
    // One statement for the batch, values bound.
    const values = rows.map(
      (_, i) => `($${4 * i + 1}, $${4 * i + 2}::TIMESTAMP, $${4 * i + 3}, $${4 * i + 4})`,
    );
    await this.run(
      `INSERT INTO rejected_events VALUES ${values.join(", ")}`,
      rows.flatMap((r) => [r.projectId, r.receivedAt, r.reason, r.payload]),
    );
    // Anyone with a public app id can send bad events: keep only the newest of each project.
    for (const projectId of new Set(rows.map((r) => r.projectId))) {
      await this.run(
        `DELETE FROM rejected_events WHERE project_id = $1 AND received_at < (
           SELECT received_at FROM rejected_events WHERE project_id = $1
           ORDER BY received_at DESC LIMIT 1 OFFSET ${MAX_REJECTED_PER_PROJECT - 1})`,
        [projectId],
      );
    }
  }

  async listRejected(projectId: string, limit: number): Promise<RejectedEvent[]> {
    const rows = (await this.read(
      "SELECT * FROM rejected_events WHERE project_id = $1 ORDER BY received_at DESC LIMIT $2",
      [projectId, limit],
    )) as Array<Record<string, string>>;
    return rows.map((r) => ({
      projectId: r.project_id as string,
      receivedAt: utcIso(r.received_at as string),
      reason: r.reason as string,
      payload: r.payload as string,
    }));
  }
}
