/** The service's admin, dashboards and web endpoints the UI calls, typed. */
import { requestJson } from "./http";
import type {
  DashboardDetail,
  DashboardList,
  InstanceSettings,
  Project,
  ProjectWithCounts,
  UsageProject,
} from "./types";

const enc = encodeURIComponent;

export const api = {
  session: () =>
    requestJson<{ signedIn: true; expiresAt: string }>("/api/v1/web/session", { quiet401: true }),
  signIn: (token: string) =>
    requestJson<{ signedIn: true }>("/api/v1/web/session", {
      method: "POST",
      body: { token },
      quiet401: true,
    }),
  signOut: () => requestJson<null>("/api/v1/web/session", { method: "DELETE", quiet401: true }),

  projects: () => requestJson<{ projects: ProjectWithCounts[] }>("/api/v1/web/projects"),
  projectStats: (id: string) =>
    requestJson<{ id: string; events: number; eventsThisMonth: number }>(
      `/api/v1/web/projects/${enc(id)}/stats`,
    ),
  project: (id: string) => requestJson<Project>(`/api/v1/projects/${enc(id)}`),
  createProject: (body: { id: string; name?: string; repository?: string }) =>
    requestJson<Project>("/api/v1/projects", { method: "POST", body }),
  updateProject: (
    id: string,
    body: { name?: string; repository?: string | null; dashboardsRef?: string | null },
  ) => requestJson<Project>(`/api/v1/projects/${enc(id)}`, { method: "PATCH", body }),
  rotateAppId: (id: string) =>
    requestJson<Project>(`/api/v1/projects/${enc(id)}/rotate-app-id`, { method: "POST" }),
  queryToken: (id: string) =>
    requestJson<{ token: string; expiresAt: string }>(
      `/api/v1/web/projects/${enc(id)}/query-token`,
      { method: "POST" },
    ),

  dashboards: (id: string) => requestJson<DashboardList>(`/api/v1/projects/${enc(id)}/dashboards`),
  dashboard: (id: string, dashboard: string) =>
    requestJson<DashboardDetail>(`/api/v1/projects/${enc(id)}/dashboards/${enc(dashboard)}`),

  settings: () => requestJson<InstanceSettings>("/api/v1/web/settings"),
  regenerateApiKey: () =>
    requestJson<{ apiKey: string; value: string }>("/api/v1/web/settings/api-key", {
      method: "POST",
    }),
  usage: (months = 12) =>
    requestJson<{ projects: UsageProject[] }>(`/api/v1/web/usage?months=${months}`),
};
