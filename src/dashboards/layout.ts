/**
 * Where things live (reference §1): which file is a dashboard, a shared visualization or a
 * funnel, and which names are safe to use as ids in URLs and lookups.
 */

export interface Layout {
  /** Dashboard folders, the ones searched first first. */
  dashboardRoots: readonly string[];
  funnelRoots: readonly string[];
}

/** Both GitLab layouts; the later `.gitlab/analytics` wins when both define a name. */
export const PROJECT_LAYOUT: Layout = {
  dashboardRoots: [".gitlab/analytics/dashboards", ".gitlab/product_analytics/dashboards"],
  funnelRoots: [".gitlab/analytics/funnels"],
};

/** Names become URL segments and lookup keys: letters, digits, `_` and `-` only. */
const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,99}$/;

export function isSafeName(name: string): boolean {
  return SAFE_NAME.test(name);
}

export type FileRole =
  | { kind: "dashboard"; id: string; root: string }
  | { kind: "visualization"; id: string; root: string }
  | { kind: "funnel"; id: string }
  | { kind: "unsafe"; name: string }
  | { kind: "ignored" };

const VISUALIZATIONS = "visualizations";
const YAML = ".yaml";

export function classifyPath(path: string, layout: Layout): FileRole {
  for (const root of layout.dashboardRoots) {
    if (!path.startsWith(`${root}/`)) continue;
    const parts = path.slice(root.length + 1).split("/");
    if (parts.length !== 2) return { kind: "ignored" };
    const [folder = "", file = ""] = parts;
    if (!file.endsWith(YAML)) return { kind: "ignored" };
    const name = file.slice(0, -YAML.length);
    if (folder === VISUALIZATIONS) {
      return isSafeName(name)
        ? { kind: "visualization", id: name, root }
        : { kind: "unsafe", name };
    }
    // `<name>/<name>.yaml` is the dashboard; other files in its folder are not ours.
    if (folder !== name) return { kind: "ignored" };
    return isSafeName(name) ? { kind: "dashboard", id: name, root } : { kind: "unsafe", name };
  }
  for (const root of layout.funnelRoots) {
    if (!path.startsWith(`${root}/`)) continue;
    const file = path.slice(root.length + 1);
    if (file.includes("/") || !file.endsWith(YAML)) return { kind: "ignored" };
    const name = file.slice(0, -YAML.length);
    return isSafeName(name) ? { kind: "funnel", id: name } : { kind: "unsafe", name };
  }
  return { kind: "ignored" };
}
