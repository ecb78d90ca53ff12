/**
 * Compiles parsed model files into the typed model: expands `{CUBE}` and `{member}` references
 * for each dialect, checks that every reference resolves and that cube SQL reads events only
 * through `{events}` (the project-filtered scan), and titles every member.
 */
import { ModelError } from "../errors.js";
import type {
  CompiledModel,
  Cube,
  DialectName,
  Dimension,
  Measure,
  MeasurePart,
  Member,
  PerDialect,
  Rollup,
  Segment,
} from "./member.js";
import { DIALECT_NAMES } from "./member.js";
import {
  type CubeSource,
  type ModelFile,
  PRE_AGGREGATIONS,
  type PreAggregationSource,
  type SqlText,
} from "./model-file.js";

/** A parsed file and a way to find the line of any path in it. */
export interface ParsedModelFile {
  file: string;
  data: ModelFile;
  lineOf(path: readonly (string | number)[]): number;
  /** A file shipped with Glimpse: only its pre-aggregations are kept (model-file.ts). */
  builtIn?: boolean;
}

const REFERENCE = /\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\}/g;

const perDialect = <T>(make: (d: DialectName) => T): PerDialect<T> =>
  ({ duckdb: make("duckdb"), clickhouse: make("clickhouse") }) as PerDialect<T>;

const textFor = (sql: SqlText, dialect: DialectName): string =>
  typeof sql === "string" ? sql : sql[dialect];

/** "pageViewsCount" → "Page Views Count", as Cube titles members. */
export function titleize(name: string): string {
  return name
    .replace(/_/g, " ")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/\b\w/g, (c) => c.toUpperCase())
    .trim();
}

export function compileModel(files: readonly ParsedModelFile[]): CompiledModel {
  const cubes = new Map<string, Cube>();
  const members = new Map<string, Member>();
  for (const parsed of files) {
    parsed.data.cubes.forEach((source, index) => {
      const fail = (path: (string | number)[], reason: string): never => {
        throw new ModelError(parsed.file, parsed.lineOf(["cubes", index, ...path]), reason);
      };
      if (cubes.has(source.name)) fail(["name"], `cube ${source.name} is defined twice`);
      const cube = compileCube(source, parsed.file, fail, parsed.builtIn ?? false);
      cubes.set(cube.name, cube);
      for (const group of [cube.measures, cube.dimensions, cube.segments]) {
        for (const member of group.values()) members.set(member.fullName, member);
      }
    });
  }
  return { cubes, members };
}

type Fail = (path: (string | number)[], reason: string) => never;

function compileCube(source: CubeSource, file: string, fail: Fail, builtIn: boolean): Cube {
  const cubeAlias = `"${source.name}"`;
  const names = new Set<string>();
  const groups = [
    ["measures", source.measures],
    ["dimensions", source.dimensions],
    ["segments", source.segments],
  ] as const;
  for (const [key, list] of groups) {
    list.forEach((m, i) => {
      if (names.has(m.name))
        fail([key, i, "name"], `member ${source.name}.${m.name} is defined twice`);
      names.add(m.name);
    });
  }

  const windowColumns = new Map<string, PerDialect<string>>();
  for (const [column, sql] of Object.entries(source.window_columns ?? {})) {
    windowColumns.set(
      column,
      perDialect((d) => textFor(sql, d)),
    );
  }
  const windowNames = [...windowColumns.keys()];
  const usedWindows = (sql: PerDialect<string>): string[] =>
    windowNames.filter((w) => DIALECT_NAMES.some((d) => new RegExp(`\\b${w}\\b`).test(sql[d])));

  // Dimensions first: measures and segments may refer to them.
  const dimensionSources = new Map(source.dimensions.map((d, i) => [d.name, { d, i }]));
  const expandedDimensions = new Map<string, PerDialect<string>>();
  const expandDimension = (name: string, stack: string[]): PerDialect<string> => {
    const done = expandedDimensions.get(name);
    if (done) return done;
    const entry = dimensionSources.get(name);
    if (!entry) throw new Error(`no dimension ${name}`);
    if (stack.includes(name)) {
      fail(["dimensions", entry.i, "sql"], `circular reference: ${[...stack, name].join(" → ")}`);
    }
    const sql = perDialect((d) =>
      expand(textFor(entry.d.sql, d), (ref) => {
        if (ref === "CUBE") return cubeAlias;
        if (dimensionSources.has(ref)) return `(${expandDimension(ref, [...stack, name])[d]})`;
        return fail(["dimensions", entry.i, "sql"], unknownReference(ref, source.name));
      }),
    );
    expandedDimensions.set(name, sql);
    return sql;
  };
  const dimensionRef =
    (path: (string | number)[]) =>
    (dialect: DialectName) =>
    (ref: string): string => {
      if (ref === "CUBE") return cubeAlias;
      const own = ref.startsWith(`${source.name}.`) ? ref.slice(source.name.length + 1) : ref;
      if (dimensionSources.has(own)) return `(${expandDimension(own, [])[dialect]})`;
      return fail(path, unknownReference(ref, source.name));
    };

  const dimensions = new Map<string, Dimension>();
  for (const d of source.dimensions) {
    const sql = expandDimension(d.name, []);
    dimensions.set(d.name, {
      kind: "dimension",
      ...titles(source.name, d),
      type: d.type,
      sql,
      primaryKey: d.primary_key ?? false,
      valueAliases: aliasMap(d.value_aliases ?? {}),
      windowColumns: usedWindows(sql),
    });
  }

  const measureSources = new Map(source.measures.map((m, i) => [m.name, { m, i }]));
  const measures = new Map<string, Measure>();
  const compileMeasure = (name: string, stack: string[]): Measure => {
    const done = measures.get(name);
    if (done) return done;
    const entry = measureSources.get(name);
    if (!entry) throw new Error(`no measure ${name}`);
    const { m, i } = entry;
    if (stack.includes(name))
      fail(["measures", i, "sql"], `circular reference: ${[...stack, name].join(" → ")}`);
    let parts: PerDialect<readonly MeasurePart[]> | null = null;
    let sql: PerDialect<string> | null = null;
    const windows = new Set<string>();
    if (m.type === "number") {
      if (!m.sql) return fail(["measures", i], "a number measure needs sql");
      if (m.filters?.length)
        fail(["measures", i, "filters"], "a number measure cannot have filters");
      parts = perDialect((d) =>
        splitParts(textFor(m.sql as SqlText, d), (ref) => {
          if (ref === "CUBE") return cubeAlias;
          const own = ref.startsWith(`${source.name}.`) ? ref.slice(source.name.length + 1) : ref;
          if (measureSources.has(own)) {
            for (const w of compileMeasure(own, [...stack, name]).windowColumns) windows.add(w);
            return { measure: own };
          }
          return fail(["measures", i, "sql"], unknownReference(ref, source.name));
        }),
      );
    } else {
      if (m.sql)
        sql = perDialect((d) =>
          expand(textFor(m.sql as SqlText, d), dimensionRef(["measures", i, "sql"])(d)),
        );
      else if (m.type !== "count") fail(["measures", i], `a ${m.type} measure needs sql`);
    }
    const filters = (m.filters ?? []).map((f, j) =>
      perDialect((d) =>
        expand(textFor(f.sql, d), dimensionRef(["measures", i, "filters", j, "sql"])(d)),
      ),
    );
    for (const text of [sql, ...filters])
      if (text) for (const w of usedWindows(text)) windows.add(w);
    const measure: Measure = {
      kind: "measure",
      ...titles(source.name, m),
      type: m.type,
      sql,
      filters,
      parts,
      windowColumns: [...windows],
    };
    measures.set(name, measure);
    return measure;
  };
  for (const m of source.measures) compileMeasure(m.name, []);
  // Keep the file's order (compileMeasure may have added referenced measures first).
  const orderedMeasures = new Map(
    source.measures.map((m) => [m.name, measures.get(m.name) as Measure]),
  );

  const segments = new Map<string, Segment>();
  source.segments.forEach((s, i) => {
    const sql = perDialect((d) =>
      expand(textFor(s.sql, d), dimensionRef(["segments", i, "sql"])(d)),
    );
    segments.set(s.name, {
      kind: "segment",
      ...titles(source.name, s),
      sql,
      includeBots: s.include_bots ?? false,
      windowColumns: usedWindows(sql),
    });
  });

  let cubeSource: Cube["source"] = "events";
  if (source.sql !== undefined) {
    const text = source.sql;
    cubeSource = perDialect((d) => {
      const sql = textFor(text, d);
      // DuckDB's store also keeps one row per session (the sessions rollup), read as {sessions}.
      const sources = d === "duckdb" ? ["{events}", "{sessions}"] : ["{events}"];
      if (!sources.some((s) => sql.includes(s)))
        fail(
          ["sql"],
          `cube sql must read the project's events as {events}${d === "duckdb" ? " (or its sessions as {sessions})" : ""}`,
        );
      const outside = sources.reduce(
        (text, s) => text.replaceAll(s, ""),
        sql.replace(/'(?:[^']|'')*'/g, "''"),
      );
      if (/\b(events|sessions_rollup)\b/i.test(outside)) {
        fail(
          ["sql"],
          "cube sql must read events only through {events} (and sessions only through {sessions}), which keeps a query inside one project",
        );
      }
      return expand(sql, (ref) =>
        sources.includes(`{${ref}}`)
          ? `{${ref}}`
          : fail(["sql"], unknownReference(ref, source.name)),
      );
    });
  }

  let rollups: Rollup[] = [];
  if (builtIn && source.pre_aggregations !== undefined) {
    const parsed = PRE_AGGREGATIONS.safeParse(source.pre_aggregations);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = (issue?.path ?? []).filter((p): p is string | number => typeof p !== "symbol");
      const where = ["pre_aggregations", ...path].join(".");
      fail(["pre_aggregations", ...path], `${where}: ${issue?.message}`);
    } else {
      if (cubeSource !== "events")
        fail(["pre_aggregations"], "only a cube over sql_table: events can have pre_aggregations");
      rollups = parsed.data.map((p, i) =>
        compileRollup(source.name, p, orderedMeasures, dimensions, (path, reason) =>
          fail(["pre_aggregations", i, ...path], reason),
        ),
      );
      rollups.forEach((r, i) => {
        if (rollups.findIndex((other) => other.table === r.table) !== i)
          fail(
            ["pre_aggregations", i, "name"],
            `${r.name} would share table ${r.table} with another rollup`,
          );
      });
    }
  }

  return {
    name: source.name,
    title: source.title ?? titleize(source.name),
    description: source.description,
    source: cubeSource,
    windowColumns,
    measures: orderedMeasures,
    dimensions,
    segments,
    rollups,
    file,
  };
}

const ADDITIVE = new Set(["count", "sum", "min", "max"]);

/** Checks a rollup's members: additive measures, at most one countDistinct, plain dimensions. */
function compileRollup(
  cube: string,
  source: PreAggregationSource,
  measures: ReadonlyMap<string, Measure>,
  dimensions: ReadonlyMap<string, Dimension>,
  fail: Fail,
): Rollup {
  const own = (ref: string) => ref.replace(new RegExp(`^(CUBE|${cube})\\.`), "");
  const additive: Measure[] = [];
  let distinct: Measure | null = null;
  source.measures.forEach((ref, i) => {
    const measure =
      measures.get(own(ref)) ?? fail(["measures", i], `unknown measure ${ref} of ${cube}`);
    if (measure.windowColumns.length)
      fail(["measures", i], `${measure.fullName} reads window columns, which a rollup cannot keep`);
    if (ADDITIVE.has(measure.type)) additive.push(measure);
    else if (measure.type === "countDistinct" && !distinct) distinct = measure;
    else
      fail(
        ["measures", i],
        `${measure.fullName} (${measure.type}) cannot be kept in a rollup: it holds count, sum, min and max measures and at most one countDistinct`,
      );
  });
  const dims = source.dimensions.map((ref, i) => {
    const dimension = dimensions.get(own(ref));
    if (!dimension) return fail(["dimensions", i], `unknown dimension ${ref} of ${cube}`);
    if (dimension.type === "time")
      fail(["dimensions", i], `${dimension.fullName} is a time: name it as time_dimension`);
    if (dimension.windowColumns.length)
      fail(
        ["dimensions", i],
        `${dimension.fullName} reads window columns, which a rollup cannot keep`,
      );
    return dimension;
  });
  let time: Rollup["time"] = null;
  if (source.time_dimension !== undefined || source.granularity !== undefined) {
    const dimension = dimensions.get(own(source.time_dimension ?? ""));
    if (dimension?.type !== "time")
      return fail(["time_dimension"], `time_dimension must name a time dimension of ${cube}`);
    if (!source.granularity) return fail(["granularity"], "a time_dimension needs a granularity");
    time = { dimension, granularity: source.granularity };
  }
  const snake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
  return {
    name: source.name,
    table: `rollup_${snake(cube)}_${snake(source.name)}`,
    measures: additive,
    distinct,
    dimensions: dims,
    time,
  };
}

function titles(
  cube: string,
  m: {
    name: string;
    title?: string | undefined;
    short_title?: string | undefined;
    description?: string | undefined;
  },
) {
  const short = m.short_title ?? m.title ?? titleize(m.name);
  return {
    cube,
    name: m.name,
    fullName: `${cube}.${m.name}`,
    title: `${titleize(cube)} ${m.title ?? titleize(m.name)}`,
    shortTitle: short,
    description: m.description,
  };
}

function aliasMap(aliases: Record<string, string[]>): Map<string, string[]> {
  return new Map(Object.entries(aliases));
}

function unknownReference(ref: string, cube: string): string {
  return `unknown reference {${ref}} (a member of ${cube}, or {CUBE})`;
}

function expand(text: string, resolve: (ref: string) => string): string {
  return text.replace(REFERENCE, (_, ref: string) => resolve(ref));
}

function splitParts(text: string, resolve: (ref: string) => MeasurePart): MeasurePart[] {
  const parts: MeasurePart[] = [];
  let last = 0;
  for (const match of text.matchAll(REFERENCE)) {
    const start = match.index ?? 0;
    if (start > last) parts.push(text.slice(last, start));
    const resolved = resolve(match[1] as string);
    parts.push(resolved);
    last = start + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}
