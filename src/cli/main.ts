/**
 * The `glimpse` command line: run the service, manage projects, generate traffic, validate a
 * repository's dashboards.
 */
import { Command, InvalidArgumentError } from "commander";
import { ConfigError, loadConfig } from "../config/config.js";
import { runValidate } from "../dashboards/validate-command.js";
import { PROJECT_ID } from "../projects/project.js";
import { ProjectExistsError } from "../projects/repository.js";
import { ModelError } from "../query/errors.js";
import { hasMember, loadModel } from "../query/model/load-model.js";
import { StoreBusyError } from "../store/duckdb-database.js";
import { generateInto } from "./generate-command.js";
import { CliError, openOffline } from "./offline.js";
import { serve } from "./serve-command.js";

const program = new Command("glimpse")
  .description("Self-hosted product analytics with dashboards as code")
  .showHelpAfterError();

const positiveInt = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new InvalidArgumentError(`${name} must be a positive integer`);
  return n;
};
// Checked inside actions, so it throws CliError (printed as one line), not commander's error.
const projectIdArg = (value: string) => {
  const parsed = PROJECT_ID.safeParse(value);
  if (!parsed.success)
    throw new CliError(
      `invalid project id ${JSON.stringify(value)}: ${parsed.error.issues[0]?.message ?? "invalid project id"}`,
    );
  return value;
};
const dataDirOption = [
  "--data-dir <dir>",
  "data directory (GLIMPSE_DATA_DIR, default ./.glimpse)",
] as const;
const dataDir = (flag: string | undefined) =>
  loadConfig({ ...process.env, GLIMPSE_DATA_DIR: flag ?? process.env.GLIMPSE_DATA_DIR })
    .GLIMPSE_DATA_DIR;

program
  .command("serve")
  .description("start the service (collector, query API, dashboards, web UI)")
  .option("--port <port>", "port to listen on (PORT, default 8080)")
  .option("--host <host>", "address to listen on (HOST, default 0.0.0.0)")
  .option(...dataDirOption)
  .option("--demo <bool>", "create the demo project on first start (GLIMPSE_DEMO, default true)")
  .option("--model-dir <dir>", "extra data-model cubes (GLIMPSE_MODEL_DIR)")
  .action(
    async (flags: {
      port?: string;
      host?: string;
      dataDir?: string;
      demo?: string;
      modelDir?: string;
    }) => {
      const config = loadConfig({
        ...process.env,
        PORT: flags.port ?? process.env.PORT,
        HOST: flags.host ?? process.env.HOST,
        GLIMPSE_DATA_DIR: flags.dataDir ?? process.env.GLIMPSE_DATA_DIR,
        GLIMPSE_DEMO: flags.demo ?? process.env.GLIMPSE_DEMO,
        GLIMPSE_MODEL_DIR: flags.modelDir ?? process.env.GLIMPSE_MODEL_DIR,
      });
      await serve(config);
    },
  );

const projects = program.command("projects").description("manage projects in the data dir");
projects
  .command("create <id>")
  .description("create a project and print its app id")
  .option("--name <name>", "display name")
  .option("--repository <path>", "local git repository holding the project's dashboards")
  .option(...dataDirOption)
  .action(async (id: string, flags: { name?: string; repository?: string; dataDir?: string }) => {
    projectIdArg(id);
    const { projects: repo, close } = await openOffline(dataDir(flags.dataDir));
    try {
      const project = await repo.create({
        id,
        name: flags.name,
        repository: flags.repository ?? null,
      });
      console.log(JSON.stringify(project, null, 2));
    } catch (error) {
      if (error instanceof ProjectExistsError) throw new CliError(error.message);
      throw error;
    } finally {
      await close();
    }
  });
projects
  .command("list")
  .description("list projects")
  .option(...dataDirOption)
  .action(async (flags: { dataDir?: string }) => {
    const { projects: repo, close } = await openOffline(dataDir(flags.dataDir));
    try {
      for (const p of await repo.list())
        console.log(`${p.id}\t${p.appId}\t${p.name}\t${p.repository ?? ""}`);
    } finally {
      await close();
    }
  });

program
  .command("generate <project>")
  .description("generate synthetic traffic ending now, straight into the store")
  .requiredOption("--events <n>", "number of events", positiveInt("--events"))
  .option("--days <d>", "days the traffic spans", positiveInt("--days"), 30)
  .option(...dataDirOption)
  .action(async (project: string, flags: { events: number; days: number; dataDir?: string }) => {
    projectIdArg(project);
    const { store, projects: repo, close } = await openOffline(dataDir(flags.dataDir));
    try {
      if (!(await repo.get(project)))
        throw new CliError(
          `project ${project} does not exist; create it with: glimpse projects create ${project}`,
        );
      const started = Date.now();
      const n = await generateInto(store, project, flags.events, flags.days, process.stderr.isTTY);
      const seconds = (Date.now() - started) / 1000;
      console.log(
        `generated ${n} events for ${project} in ${seconds.toFixed(1)} s (${Math.round(n / seconds)} events/s)`,
      );
    } finally {
      await close();
    }
  });

program
  .command("validate [repo]")
  .description("check a repository's dashboards, visualizations and funnels (exit 1 on any error)")
  .option("--ref <ref>", "git ref to read (default: HEAD; WORKTREE for uncommitted files)")
  .option("--format <format>", "text or json", "text")
  .option("--model-dir <dir>", "extra data-model cubes the queries may use (GLIMPSE_MODEL_DIR)")
  .action(
    async (
      repo: string | undefined,
      flags: { ref?: string; format: string; modelDir?: string },
    ) => {
      if (flags.format !== "text" && flags.format !== "json")
        throw new CliError("--format must be text or json");
      const model = loadModel(flags.modelDir ?? process.env.GLIMPSE_MODEL_DIR);
      const result = await runValidate(repo ?? ".", {
        format: flags.format,
        ...(flags.ref ? { ref: flags.ref } : {}),
        hasMember: (name) => hasMember(name, model),
      });
      process.stdout.write(result.output.endsWith("\n") ? result.output : `${result.output}\n`);
      process.exitCode = result.exitCode;
    },
  );

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof ConfigError || error instanceof ModelError) {
    console.error(
      `glimpse: ${error instanceof ModelError ? `invalid data model: ${error.message}` : error.message}`,
    );
    process.exit(2);
  }
  if (error instanceof CliError || error instanceof StoreBusyError) {
    console.error(`glimpse: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
