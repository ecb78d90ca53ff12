/**
 * Builds a catalog from one revision's files: classifies each file by the layout, loads
 * funnels, visualizations and dashboards (in that order, since dashboards use the other two),
 * and adds the built-ins. Every problem becomes a diagnostic on the file it belongs to.
 */
import type { HasMember } from "./check-members.js";
import { loadDashboard } from "./dashboard-loader.js";
import { type Diagnostic, fileDiagnostic } from "./diagnostic.js";
import { funnelMembers } from "./funnel-cube.js";
import { loadFunnel } from "./funnel-loader.js";
import { classifyPath, type Layout } from "./layout.js";
import type { Catalog, LoadedDashboard, LoadedFunnel, LoadedVisualization } from "./model.js";
import type { VisualizationLookup } from "./panel-resolver.js";
import type { SourceSnapshot } from "./source-files.js";
import { loadVisualization } from "./visualization-loader.js";

export interface CatalogOptions {
  /** The data model's members; null skips member checks (no model available). */
  hasMember: HasMember | null;
  maxAliasCount: number;
  /** The built-in catalog, or null when building the built-ins themselves. */
  builtins: Catalog | null;
}

/** A readable file with the id and folder its place in the layout gives it. */
interface Located {
  id: string;
  root: string;
  path: string;
  text: string;
}

/** A dashboard file, readable or not: both take part in deciding which file owns an id. */
type DashboardFile = Located | (Omit<Located, "text"> & { problem: string });

export function buildCatalog(
  snapshot: SourceSnapshot,
  layout: Layout,
  options: CatalogOptions,
): Catalog {
  const builtIn = options.builtins === null;
  const errors: Diagnostic[] = [];
  const dashboards: LoadedDashboard[] = [];
  const visualizations: LoadedVisualization[] = [];
  const funnels: LoadedFunnel[] = [];
  const files = {
    dashboard: [] as DashboardFile[],
    visualization: [] as Located[],
    funnel: [] as Located[],
  };

  for (const file of snapshot.files) {
    const role = classifyPath(file.path, layout);
    if (role.kind === "ignored") {
      // Nothing was read, but an attempt to leave the repository (say, a dashboard folder or
      // `.gitlab` itself linking outside) or a hostile file name is still reported.
      if (!file.ok && file.unsafe) {
        errors.push(fileDiagnostic(file.path, file.problem));
      }
      continue;
    }
    if (role.kind === "unsafe") {
      errors.push(
        fileDiagnostic(
          file.path,
          `"${role.name}" is not a safe name (letters, digits, _ and - only); ignored`,
        ),
      );
      continue;
    }
    const root = role.kind === "funnel" ? "" : role.root;
    if (file.ok) {
      files[role.kind].push({ id: role.id, root, path: file.path, text: file.text });
      continue;
    }
    // Unreadable (too big, escaping symlink): listed with its problem, like any broken file.
    const problem = [fileDiagnostic(file.path, file.problem)];
    if (role.kind === "dashboard") {
      files.dashboard.push({ id: role.id, root, path: file.path, problem: file.problem });
    } else if (role.kind === "visualization") {
      visualizations.push({
        id: role.id,
        file: file.path,
        builtIn,
        root,
        definition: null,
        errors: problem,
      });
    } else {
      funnels.push({ id: role.id, file: file.path, definition: null, errors: problem });
    }
  }

  // Funnels first: they become cubes, so their members count as part of the data model.
  const funnelMemberSet = new Set<string>();
  const funnelNames = new Map<string, string>();
  for (const file of files.funnel) {
    const funnel = loadFunnel(file, options.maxAliasCount);
    funnels.push(funnel);
    if (!funnel.definition) continue;
    const other = funnelNames.get(funnel.definition.name);
    if (other) {
      funnel.errors.push(
        fileDiagnostic(
          funnel.file,
          `funnel name "${funnel.definition.name}" is also used by ${other}`,
        ),
      );
      continue;
    }
    funnelNames.set(funnel.definition.name, funnel.file);
    for (const m of funnelMembers(funnel.definition.name)) funnelMemberSet.add(m);
  }
  const { hasMember: modelHas } = options;
  const hasMember = modelHas ? (name: string) => funnelMemberSet.has(name) || modelHas(name) : null;
  const loadOptions = { hasMember, maxAliasCount: options.maxAliasCount };

  for (const file of files.visualization)
    visualizations.push(loadVisualization({ ...file, builtIn }, loadOptions));

  const builtinVisualizations = options.builtins?.visualizations.filter((v) => v.builtIn) ?? [];
  const lookupFor = (root: string): VisualizationLookup => {
    // The folder beside the dashboard first, then the other layout's, then the built-ins.
    const order = [root, ...layout.dashboardRoots.filter((r) => r !== root)];
    return {
      find: (name) => {
        for (const r of order) {
          const hit = visualizations.find((v) => v.root === r && v.id === name);
          if (hit) return hit;
        }
        return builtinVisualizations.find((v) => v.id === name);
      },
      searched: `${root}/visualizations/${builtIn ? "" : " or the built-in visualizations"}`,
    };
  };

  const builtinIds = new Set(options.builtins?.dashboards.map((d) => d.id) ?? []);
  const winners = new Map<string, string>();
  const rootRank = (root: string) => layout.dashboardRoots.indexOf(root);
  files.dashboard.sort((a, b) => rootRank(a.root) - rootRank(b.root) || a.id.localeCompare(b.id));
  for (const file of files.dashboard) {
    const { id, root } = file;
    if (builtinIds.has(id)) {
      errors.push(
        fileDiagnostic(file.path, `"${id}" is the name of a built-in dashboard; rename the folder`),
      );
      continue;
    }
    const winner = winners.get(id);
    if (winner) {
      errors.push(
        fileDiagnostic(
          file.path,
          `dashboard "${id}" is also defined by ${winner}, which is used; this file is ignored`,
        ),
      );
      continue;
    }
    winners.set(id, file.path);
    dashboards.push(
      "text" in file
        ? loadDashboard({ ...file, builtIn }, lookupFor(root), loadOptions)
        : {
            id,
            file: file.path,
            builtIn,
            definition: null,
            panels: [],
            errors: [fileDiagnostic(file.path, file.problem)],
          },
    );
  }

  const byId = <T extends { id: string; file: string }>(a: T, b: T) =>
    a.id.localeCompare(b.id) || a.file.localeCompare(b.file);
  return {
    revision: snapshot.revision,
    dashboards: [...(options.builtins?.dashboards ?? []), ...dashboards.sort(byId)],
    visualizations: [...builtinVisualizations, ...visualizations.sort(byId)],
    funnels: funnels.sort(byId),
    errors,
  };
}
