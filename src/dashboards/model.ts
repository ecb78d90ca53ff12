/**
 * The shapes of dashboard, visualization and funnel files once they pass their schemas, and of
 * what the loader makes of them. Inner stages trust these types; the schemas guard the edge.
 */
import type { Diagnostic } from "./diagnostic.js";

/** A Cube query object (its shape is checked by the `cube-query` schema). */
export type CubeQuery = Record<string, unknown>;

export interface VisualizationDef {
  version: "1" | 1;
  type: string;
  data: { type: "cube_analytics" | "Cube"; query: CubeQuery };
  options?: Record<string, unknown>;
  slug?: string;
  errors?: string[] | null;
}

export interface GridAttributes {
  xPos?: number;
  yPos?: number;
  width: number;
  height: number;
  minWidth?: number;
  minHeight?: number;
  maxWidth?: number;
  maxHeight?: number;
}

export interface PanelDef {
  title?: string;
  gridAttributes: GridAttributes;
  visualization: string | VisualizationDef;
  queryOverrides?: CubeQuery;
  options?: { decimalPlaces?: number };
}

/** Version 1 and 2 files, with v1's legacy `widgets` already renamed `panels`. */
export interface DashboardDef {
  version: "1" | "2";
  title: string;
  description?: string;
  status?: "beta" | null;
  errors?: string[] | null;
  filters?: Record<string, unknown>;
  panels: PanelDef[];
}

export interface FunnelStep {
  name: string;
  target: string;
  action: "pageview" | "event";
}

export interface FunnelDef {
  name: string;
  seconds_to_convert: number;
  steps: FunnelStep[];
}

export interface LoadedVisualization {
  id: string;
  file: string;
  builtIn: boolean;
  /** The folder it was found in, so a dashboard prefers the visualizations beside it. */
  root: string;
  definition: VisualizationDef | null;
  errors: Diagnostic[];
}

export interface ResolvedVisualization {
  /** The name a panel used, or null for an inline object. */
  name: string | null;
  source: "project" | "builtin" | "inline";
  file: string;
  definition: VisualizationDef;
}

export interface ResolvedPanel {
  title: string | null;
  gridAttributes: GridAttributes;
  options: Record<string, unknown>;
  visualization: ResolvedVisualization | null;
  /** The visualization's query with the panel's queryOverrides merged in. */
  query: CubeQuery | null;
}

export interface LoadedDashboard {
  id: string;
  file: string;
  builtIn: boolean;
  definition: DashboardDef | null;
  panels: ResolvedPanel[];
  errors: Diagnostic[];
}

export interface LoadedFunnel {
  id: string;
  file: string;
  definition: FunnelDef | null;
  errors: Diagnostic[];
}

/** Everything one revision of a repository defines, with every problem found. */
export interface Catalog {
  /** The commit id, `WORKTREE`, or null when the project has no repository. */
  revision: string | null;
  dashboards: LoadedDashboard[];
  visualizations: LoadedVisualization[];
  funnels: LoadedFunnel[];
  /** Problems that belong to no listed item: unsafe names, an unreadable repository, duplicates. */
  errors: Diagnostic[];
}
