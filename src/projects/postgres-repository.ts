/**
 * Project metadata in PostgreSQL (DATABASE_URL), so several service processes share projects
 * and ingestion keys. Same contract as the DuckDB repository (repository.ts); the tables are
 * created on first open, under an advisory lock so processes starting together do not race.
 */
import pg from "pg";
import { newAppId, type Project } from "./project.js";
import {
  MAX_REJECTED_PER_PROJECT,
  ProjectExistsError,
  type ProjectRepository,
  type RejectedEvent,
} from "./repository.js";

const SCHEMA_LOCK = 0x6c696d7073; // "glimps"

interface ProjectRow {
  id: string;
  name: string;
  app_id: string;
  repository: string | null;
  dashboards_ref: string | null;
  created_at: Date;
}

const toProject = (r: ProjectRow): Project => ({
  id: r.id,
  name: r.name,
  appId: r.app_id,
  repository: r.repository,
  dashboardsRef: r.dashboards_ref,
  createdAt: r.created_at.toISOString(),
});

export class PostgresProjectRepository implements ProjectRepository {
  private constructor(private readonly pool: pg.Pool) {}

  static async open(url: string): Promise<PostgresProjectRepository> {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    // An idle connection dropped by the server (restart, failover) is discarded by the pool and
    // the next query opens a new one; without a listener the error would end the process.
    pool.on("error", () => {});
    const client = await pool.connect().catch(async (error: Error) => {
      await pool.end();
      throw new Error(`PostgreSQL at DATABASE_URL is unreachable: ${error.message}`, {
        cause: error,
      });
    });
    try {
      await client.query("BEGIN");
      await client.query("SELECT pg_advisory_xact_lock($1)", [SCHEMA_LOCK]);
      await client.query(`CREATE TABLE IF NOT EXISTS projects (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, app_id TEXT NOT NULL UNIQUE,
        repository TEXT, dashboards_ref TEXT, created_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
      await client.query(`CREATE TABLE IF NOT EXISTS rejected_events (
        project_id TEXT NOT NULL, received_at TIMESTAMPTZ NOT NULL, reason TEXT NOT NULL,
        payload TEXT NOT NULL)`);
      await client.query(
        "CREATE INDEX IF NOT EXISTS rejected_events_by_project ON rejected_events (project_id, received_at)",
      );
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      client.release();
      await pool.end();
      throw error;
    }
    client.release();
    return new PostgresProjectRepository(pool);
  }

  private async rows(sql: string, params: unknown[] = []): Promise<ProjectRow[]> {
    return (await this.pool.query<ProjectRow>(sql, params)).rows;
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
    try {
      const [row] = await this.rows(
        "INSERT INTO projects (id, name, app_id, repository) VALUES ($1, $2, $3, $4) RETURNING *",
        [input.id, input.name ?? input.id, newAppId(), input.repository ?? null],
      );
      return toProject(row as ProjectRow);
    } catch (error) {
      const { code, constraint } = error as { code?: string; constraint?: string };
      if (code === "23505" && constraint === "projects_pkey")
        throw new ProjectExistsError(input.id);
      throw error;
    }
  }

  async update(
    id: string,
    changes: Partial<Pick<Project, "name" | "repository" | "dashboardsRef">>,
  ): Promise<Project | null> {
    const current = await this.get(id);
    if (!current) return null;
    const next = { ...current, ...changes };
    const [row] = await this.rows(
      "UPDATE projects SET name = $2, repository = $3, dashboards_ref = $4 WHERE id = $1 RETURNING *",
      [id, next.name, next.repository, next.dashboardsRef],
    );
    return row ? toProject(row) : null;
  }

  async rotateAppId(id: string): Promise<Project | null> {
    const [row] = await this.rows("UPDATE projects SET app_id = $2 WHERE id = $1 RETURNING *", [
      id,
      newAppId(),
    ]);
    return row ? toProject(row) : null;
  }

  async delete(id: string): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("DELETE FROM rejected_events WHERE project_id = $1", [id]);
      const result = await client.query("DELETE FROM projects WHERE id = $1", [id]);
      await client.query("COMMIT");
      return (result.rowCount ?? 0) > 0;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async addRejected(rows: readonly RejectedEvent[]): Promise<void> {
    if (rows.length === 0) return;
    await this.pool.query(
      `INSERT INTO rejected_events (project_id, received_at, reason, payload)
       SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[])`,
      [
        rows.map((r) => r.projectId),
        rows.map((r) => r.receivedAt),
        rows.map((r) => r.reason),
        rows.map((r) => r.payload),
      ],
    );
    // As the DuckDB repository: only the newest rows of each project are kept.
    for (const projectId of new Set(rows.map((r) => r.projectId))) {
      await this.pool.query(
        `DELETE FROM rejected_events WHERE project_id = $1 AND received_at < (
           SELECT received_at FROM rejected_events WHERE project_id = $1
           ORDER BY received_at DESC LIMIT 1 OFFSET $2)`,
        [projectId, MAX_REJECTED_PER_PROJECT - 1],
      );
    }
  }

  async listRejected(projectId: string, limit: number): Promise<RejectedEvent[]> {
    const result = await this.pool.query<{
      project_id: string;
      received_at: Date;
      reason: string;
      payload: string;
    }>("SELECT * FROM rejected_events WHERE project_id = $1 ORDER BY received_at DESC LIMIT $2", [
      projectId,
      limit,
    ]);
    return result.rows.map((r) => ({
      projectId: r.project_id,
      receivedAt: r.received_at.toISOString(),
      reason: r.reason,
      payload: r.payload,
    }));
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
