/**
 * `glimpse validate [REPO_DIR]`: checks a repository's dashboards, visualizations and funnels
 * (at HEAD unless a ref is given) and reports every problem, one line each, for CI gates.
 */
import type { HasMember } from "./check-members.js";
import { DashboardService } from "./dashboard-service.js";
import { builtInModelHasMember } from "./data-model.js";
import { type Diagnostic, formatDiagnostic } from "./diagnostic.js";

export interface ValidateOptions {
  format: "text" | "json";
  /** A git ref, or `WORKTREE` for uncommitted files; default: HEAD. */
  ref?: string;
  /** The data model's members (default: the built-in model); null skips member checks. */
  hasMember?: HasMember | null;
}

export interface ValidateResult {
  /** 0: no problems; 1: problems found, or the repository could not be read. */
  exitCode: number;
  output: string;
}

const byPlace = (a: Diagnostic, b: Diagnostic) =>
  a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column;

export async function runValidate(
  repoDir: string,
  options: ValidateOptions,
): Promise<ValidateResult> {
  const hasMember = options.hasMember === undefined ? builtInModelHasMember : options.hasMember;
  const service = new DashboardService({ hasMember });
  const { catalog, repositoryError } = await service.catalog(repoDir, options.ref ?? null);
  const dashboards = catalog.dashboards.filter((d) => !d.builtIn);
  const visualizations = catalog.visualizations.filter((v) => !v.builtIn);
  const diagnostics = [
    ...catalog.errors,
    ...dashboards.flatMap((d) => d.errors),
    ...visualizations.flatMap((v) => v.errors),
    ...catalog.funnels.flatMap((f) => f.errors),
  ].sort(byPlace);
  const counts = {
    dashboards: dashboards.length,
    visualizations: visualizations.length,
    funnels: catalog.funnels.length,
  };
  const exitCode = repositoryError !== null || diagnostics.length > 0 ? 1 : 0;

  if (options.format === "json") {
    const report = {
      ok: exitCode === 0,
      revision: catalog.revision,
      repositoryError,
      checked: counts,
      errors: diagnostics,
    };
    return { exitCode, output: `${JSON.stringify(report, null, 2)}\n` };
  }
  if (repositoryError !== null) return { exitCode, output: `${repositoryError}\n` };
  const lines = diagnostics.map(formatDiagnostic);
  const problems = diagnostics.length === 1 ? "1 problem" : `${diagnostics.length} problems`;
  lines.push(
    `${counts.dashboards} dashboards, ${counts.visualizations} visualizations, ${counts.funnels} funnels at ${catalog.revision}: ${diagnostics.length === 0 ? "ok" : problems}`,
  );
  return { exitCode, output: `${lines.join("\n")}\n` };
}
