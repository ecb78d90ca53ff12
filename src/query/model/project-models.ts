/**
 * Each project's data model: the instance's cubes plus the cubes the project's own repository
 * defines (its funnels, `.gitlab/analytics/funnels/*.yaml`). Compiled models are cached by the
 * project's cube definitions, so an unchanged repository costs a lookup.
 */
import type { Project } from "../../projects/project.js";
import { compileModel, type ParsedModelFile } from "./compile-model.js";
import type { CompiledModel } from "./member.js";
import { MODEL_FILE } from "./model-file.js";

/** The cubes a project's repository adds at `ref`, in the model files' `cubes:` shape. */
export type ProjectCubeSource = (repository: string, ref: string | null) => Promise<unknown[]>;

const CACHE_LIMIT = 256;

export class ProjectModels {
  private readonly base: CompiledModel;
  private readonly compiled = new Map<string, CompiledModel>();

  constructor(
    private readonly baseFiles: readonly ParsedModelFile[],
    private readonly projectCubes: ProjectCubeSource | null,
  ) {
    this.base = compileModel(baseFiles);
  }

  /** The instance's model, without any project's cubes. */
  get instanceModel(): CompiledModel {
    return this.base;
  }

  async forProject(project: Project | null): Promise<CompiledModel> {
    if (!project?.repository || !this.projectCubes) return this.base;
    // A repository that cannot be read (moved, not a repository) leaves the instance's cubes;
    // its dashboards API reports why.
    const cubes = await this.projectCubes(project.repository, project.dashboardsRef).catch(
      () => [],
    );
    if (cubes.length === 0) return this.base;
    const key = `${project.id}\0${JSON.stringify(cubes)}`;
    const hit = this.compiled.get(key);
    if (hit) return hit;
    const file = `${project.repository}/.gitlab/analytics/funnels`;
    const model = compileModel([
      ...this.baseFiles,
      { file, data: MODEL_FILE.parse({ cubes }), lineOf: () => 1 },
    ]);
    if (this.compiled.size >= CACHE_LIMIT) this.compiled.clear();
    this.compiled.set(key, model);
    return model;
  }
}
