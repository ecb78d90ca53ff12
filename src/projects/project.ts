/** A project: one application's events, its public ingestion key and its dashboards' repository. */
import { randomBytes } from "node:crypto";
import { z } from "zod";

export const PROJECT_ID = z
  .string()
  .regex(/^[a-z0-9_]{1,64}$/, "project id must be 1-64 characters of a-z, 0-9 and _");

export interface Project {
  id: string;
  name: string;
  /** The public ingestion key: Snowplow `aid`, Jitsu `token`. */
  appId: string;
  /** A local git repository holding the project's dashboards. */
  repository: string | null;
  /** The git ref dashboards are read from (null: the repository's HEAD). */
  dashboardsRef: string | null;
  createdAt: string;
}

export function newAppId(): string {
  return randomBytes(18).toString("base64url");
}
