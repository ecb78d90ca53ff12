/** The shapes of the service's JSON answers the web UI reads. */

export interface Project {
  id: string;
  name: string;
  appId: string;
  repository: string | null;
  dashboardsRef: string | null;
  createdAt: string;
}

export interface ProjectWithCounts extends Project {
  eventsThisMonth: number;
  events: number;
}

export interface Diagnostic {
  file: string | null;
  line: number | null;
  column?: number | null;
  message: string;
  text: string;
}

export interface DashboardSummary {
  id: string;
  title: string;
  description: string | null;
  builtIn: boolean;
  readOnly: boolean;
  file: string | null;
  errors: Diagnostic[];
}

export interface DashboardList {
  commit: string | null;
  repositoryError: string | null;
  errors: Diagnostic[];
  dashboards: DashboardSummary[];
}

export type VisualizationType =
  | "LineChart"
  | "AreaChart"
  | "ColumnChart"
  | "BarChart"
  | "DataTable"
  | "SingleStat";

export interface VisualizationOptions {
  xAxis?: { name?: string; type?: string };
  yAxis?: { name?: string; type?: string };
  links?: Array<{ text: string; href: string }>;
  decimalPlaces?: number;
  unit?: string;
  metaText?: string;
  tooltip?: { description?: string; descriptionLink?: string };
  chartTooltip?: { titleFormatter?: string; valueUnit?: string };
}

export interface Visualization {
  name: string;
  source: string;
  file: string | null;
  type: VisualizationType | string;
  options?: VisualizationOptions;
  data?: { type: string; query: CubeQuery };
}

export interface GridAttributes {
  xPos?: number;
  yPos?: number;
  width: number;
  height: number;
}

export interface Panel {
  title: string;
  gridAttributes: GridAttributes;
  options: { decimalPlaces?: number };
  visualization: Visualization | null;
  query: CubeQuery | null;
}

export interface DateRangeFilterSettings {
  enabled?: boolean;
  numberOfDaysLimit?: number;
  options?: string[];
  defaultOption?: string;
}

export interface DashboardFilterSettings {
  excludeAnonymousUsers?: { enabled?: boolean };
  dateRange?: DateRangeFilterSettings;
}

export interface DashboardDetail extends DashboardSummary {
  commit: string | null;
  version: string | null;
  status: string | null;
  filters: DashboardFilterSettings | null;
  panels: Panel[];
}

export interface CubeFilter {
  member?: string;
  dimension?: string;
  operator: string;
  values?: string[];
}

export interface TimeDimension {
  dimension: string;
  granularity?: string;
  dateRange?: string | string[];
}

export interface CubeQuery {
  measures?: string[];
  dimensions?: string[];
  segments?: string[];
  timeDimensions?: TimeDimension[];
  filters?: Array<CubeFilter | Record<string, unknown>>;
  order?: Record<string, string> | Array<[string, string]>;
  limit?: number;
  timezone?: string;
  [key: string]: unknown;
}

export type CubeRow = Record<string, string | number | boolean | null>;

export interface CubeAnnotationMember {
  title: string;
  shortTitle: string;
  type: string;
}

export interface CubeResult {
  query: CubeQuery;
  data: CubeRow[];
  annotation: {
    measures: Record<string, CubeAnnotationMember>;
    dimensions: Record<string, CubeAnnotationMember>;
    timeDimensions: Record<string, CubeAnnotationMember>;
  };
}

export interface MetaMember {
  name: string;
  title: string;
  shortTitle: string;
  type: string;
  isVisible?: boolean;
}

export interface MetaCube {
  name: string;
  title: string;
  measures: MetaMember[];
  dimensions: MetaMember[];
  segments: MetaMember[];
}

export interface Meta {
  cubes: MetaCube[];
}

export interface InstanceSettings {
  collector: {
    url: string;
    source: string;
    sdkScriptUrl: string;
    snowplowEndpoint: string;
    jitsuEndpoint: string;
  };
  store: { kind: string; location: string | null };
  dataDir: string;
  queryApi: { url: string; apiKey: string; apiKeySource: string; canRegenerate: boolean };
}

export interface UsageProject {
  id: string;
  name: string;
  months: Array<{ month: string; events: number }>;
}
